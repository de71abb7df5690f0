"""PyInstaller's entry script for the ``trt`` executable: the ``trt`` console script, nothing more.

Kept apart from ``trt_local/__main__.py`` so that what only the frozen build needs stays here.
"""

import sys
import warnings

from trt_local.cli import main

# PyInstaller stores module paths relative, so python-telegram-bot's stack check that an Application
# came from ApplicationBuilder misfires on every start of the binary (STACK-NOTES P9). The same check
# still runs, and still means something, when the bot runs from source.
warnings.filterwarnings(
    "ignore",
    message="`Application` instances should be built via the `ApplicationBuilder`",
    category=UserWarning,
)

if __name__ == "__main__":
    sys.exit(main())
