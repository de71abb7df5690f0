"""Suite-wide settings."""

import os

from hypothesis import settings

# PTB 22 warns on every RetryAfter/duration unless told to use timedelta; the product sets this
# too (cli.main), and pytest turns warnings into errors.
os.environ.setdefault("PTB_TIMEDELTA", "1")

# Property tests are reproducible by default (CI): the same examples on every run, no example
# database. HYPOTHESIS_PROFILE=dev explores new examples and remembers failing ones locally.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
