"""Create or upgrade a database and add the default lists: what `refurbdesk init` does."""

from __future__ import annotations

import logging
from datetime import datetime

from app.db import Database, sqlite_path
from app.domain.defaults import add_defaults
from app.models import migrate

log = logging.getLogger(__name__)


def backup_before_upgrade(db: Database) -> str | None:
    """Copy the SQLite database aside (WAL included) before migrating an existing one."""
    path = sqlite_path(db.url)
    if path is None or not path.exists() or migrate.current_revision(db.engine) is None:
        return None
    if not migrate.needs_upgrade(db.engine):
        return None
    target = path.with_name(f"{path.name}.{datetime.now():%Y%m%d-%H%M%S}.bak")
    db.engine.dispose()
    migrate.backup_sqlite(path, target)
    log.info("backed up %s to %s before upgrading", path, target)
    return str(target)


def initialize(db: Database) -> str | None:
    """Idempotent: migrate to the newest schema, then add any missing defaults."""
    backup = backup_before_upgrade(db)
    migrate.upgrade(db.engine)
    with db.sessions.begin() as session:
        add_defaults(session)
    return backup
