"""What every subcommand shares: opening the database, printing JSON."""

from __future__ import annotations

import json
import sys
from typing import Any

from app.db import Database, open_database


def database(args, *, init: bool = True) -> Database:
    """Open the database named by --db / REFURBDESK_DB; create or upgrade it when needed."""
    db = open_database(getattr(args, "db", None))
    if init:
        from app.domain.setup import initialize
        from app.models import migrate

        if migrate.needs_upgrade(db.engine):
            initialize(db)
    return db


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def publish(changes) -> None:
    """Tell in-process listeners (a sync daemon in this process) that stock changed."""
    from app.domain.events import STOCK_CHANGED, bus

    if changes is not None and changes.stock:
        bus.emit(STOCK_CHANGED, changes)
