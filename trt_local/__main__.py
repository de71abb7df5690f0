"""``python -m trt_local`` is the ``trt`` command."""

import sys

from trt_local.cli import main

sys.exit(main())
