"""The shared database fixtures (tests/dbfixtures.py): the bench's PostgreSQL smoke run."""

from tests.dbfixtures import *  # noqa: F401,F403
