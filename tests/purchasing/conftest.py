"""The shared database fixtures (tests/dbfixtures.py): `db` on SQLite and PostgreSQL, helpers."""

from tests.dbfixtures import *  # noqa: F401,F403
