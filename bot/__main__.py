"""`python -m bot`: the bot with a token, else the console on the bundled corpus (bot/cli.py)."""

import sys

from bot.cli import main

sys.exit(main())
