"""Suite-wide settings."""

import os

# PTB 22 warns on every RetryAfter/duration unless told to use timedelta; the product sets this
# too (cli.main), and pytest turns warnings into errors.
os.environ.setdefault("PTB_TIMEDELTA", "1")
