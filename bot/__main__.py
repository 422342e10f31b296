"""``python -m bot`` runs the ``alsbot`` command line."""

import sys

from bot.cli import main

sys.exit(main())
