"""What every subcommand shares: opening the database, printing JSON."""

from __future__ import annotations

import json
import sys
import textwrap
from typing import Any, Iterable

from app.db import Database, default_db_url, open_database, resolve_db_url
from app.db_errors import DatabaseRefused


def database(args, *, init: bool = True, create: bool = False) -> Database:
    """Open the database named by --db / REFURBDESK_DB; upgrade an older one (with a backup).

    A new database (no file yet, or no RefurbDesk tables) is created only by `init` (`create`) or
    at the default path in the user data folder: a mistyped --db is refused, not made empty.
    A database written by a newer RefurbDesk is refused before anything is touched.
    """
    url = resolve_db_url(getattr(args, "db", None))
    create = create or getattr(args, "command", None) == "init" or url == default_db_url()
    db = open_database(url, create=create)
    if init:
        from app.domain.setup import initialize
        from app.models import migrate

        try:
            if migrate.needs_upgrade(db.engine):
                if not create and migrate.current_revision(db.engine) is None:
                    raise DatabaseRefused(f"{db.url} has no RefurbDesk tables; check --db, or create the database "
                                          f"with `refurbdesk --db {db.url} init`")
                initialize(db)
        except BaseException:
            db.dispose()
            raise
    return db


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def print_json_list(items: Iterable[Any]) -> None:
    """A JSON list written item by item (the same text print_json gives), never held whole."""
    out = sys.stdout
    empty = True
    for item in items:
        out.write("[\n" if empty else ",\n")
        out.write(textwrap.indent(json.dumps(item, indent=2, ensure_ascii=False, default=str), "  "))
        empty = False
    out.write("[]\n" if empty else "\n]\n")


def publish(changes) -> None:
    """Tell in-process listeners (a sync daemon in this process) that stock changed."""
    from app.domain.events import STOCK_CHANGED, bus

    if changes is not None and changes.stock:
        bus.emit(STOCK_CHANGED, changes)
