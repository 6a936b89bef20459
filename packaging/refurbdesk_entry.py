"""Entry point of the frozen executable: the same `refurbdesk` command line."""

import multiprocessing
import sys

from app.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
