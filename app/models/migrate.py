"""Create or upgrade a database to the newest schema with Alembic (no alembic.ini needed).

Revision ids are sequential numbers ("0001", "0002", …) so the newest can be known from the
file names alone: start-up checks the schema without importing Alembic.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from app.db_errors import DatabaseRefused

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config(stdout=sys.stdout)  # today's stdout: Config's default is the one at import time
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


class NewerDatabase(DatabaseRefused):
    """The database is at a revision this RefurbDesk does not know: a newer version wrote it."""

    def __init__(self, revision: str) -> None:
        super().__init__(f"this database was written by a newer RefurbDesk (revision {revision}); install that "
                         "version to use it (nothing was changed)")
        self.revision = revision


def known_revisions() -> list[str]:
    """Every revision this RefurbDesk ships, oldest first (from the migration file names)."""
    return sorted(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def head_revision() -> str:
    names = known_revisions()
    return names[-1] if names else ""


def current_revision(engine: Engine) -> str | None:
    """The schema revision of the database, or None when it has no RefurbDesk schema yet.

    Read-only: on SQLite it never takes the write lock (a plain BEGIN), so a read-only command
    starting while another station writes does not wait for it."""
    with engine.execution_options(read_only=True).connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def refuse_newer(engine: Engine) -> str | None:
    """The current revision; NewerDatabase when this RefurbDesk does not know it."""
    current = current_revision(engine)
    if current is not None and current not in known_revisions():
        raise NewerDatabase(current)
    return current


def backup_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database, including what still sits in its WAL file (a plain
    file copy would miss it): SQLite's online backup API, page by page."""
    src = sqlite3.connect(str(source), timeout=15)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    refuse_newer(engine)
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    log.info("database at revision %s", current_revision(engine))


def needs_upgrade(engine: Engine) -> bool:
    """True for a database without schema or at an older revision; NewerDatabase for a newer one."""
    return refuse_newer(engine) != head_revision()
