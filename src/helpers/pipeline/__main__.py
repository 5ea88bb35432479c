"""``python -m helpers.pipeline``: see ``helpers.pipeline.cli``."""

import sys

from .cli import main

sys.exit(main())
