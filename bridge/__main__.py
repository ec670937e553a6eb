"""``python -m bridge`` is ``pose-bridge``."""

import sys

from .cli import main

sys.exit(main())
