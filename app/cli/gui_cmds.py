"""`refurbdesk gui` and `refurbdesk demo`: the desktop app, on your database or a throw-away one."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

TOKEN_ENV = "REFURBDESK_BACKMARKET_TOKEN"


def register(sub) -> None:
    p = sub.add_parser("gui", help="start the desktop app (the default)")
    p.set_defaults(handler=cmd_gui)
    p = sub.add_parser("demo", help="the app on a throw-away database with demo stock and a local Back Market")
    p.add_argument("--no-sandbox", action="store_true", help="do not start the local Back Market sandbox (offline demo)")
    p.add_argument("--keep", action="store_true", help="keep the demo database folder afterwards")
    p.set_defaults(handler=cmd_demo)


def cmd_gui(args) -> int:
    from app.ui.app import run_gui

    return run_gui(getattr(args, "db", None))


def prepare_demo(folder: Path, *, sandbox: bool) -> tuple[str, object | None]:
    """A seeded demo database in `folder`, and the started sandbox (or None). Used by screenshots too."""
    from app.db import open_database
    from app.demo.seed import connect_backmarket, mark_demo, seed_demo
    from app.domain.setup import initialize

    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    db = open_database(url)
    try:
        initialize(db)
        seed_demo(db)
        mark_demo(db, sync=sandbox)
        server = None
        if not sandbox:
            # Offline: no token from the environment either, so nothing in this process can reach a
            # real Back Market account (the demo database itself refuses any host but this computer).
            os.environ.pop(TOKEN_ENV, None)
        if sandbox:
            from app.sync.sandbox import DEMO_TOKEN, SandboxServer

            server = SandboxServer(port=0, demo=True).start()
            connect_backmarket(db, server.url)
            # The environment wins over the keyring: a demo needs no keyring at all.
            os.environ[TOKEN_ENV] = DEMO_TOKEN
            log.info("demo sandbox on %s", server.url)
    finally:
        db.dispose()
    return url, server


def cmd_demo(args) -> int:
    from app.ui.app import run_gui

    folder = Path(tempfile.mkdtemp(prefix="refurbdesk-demo-"))
    url, server = prepare_demo(folder, sandbox=not args.no_sandbox)
    print(f"Demo database: {folder / 'demo.sqlite3'}" + (f" · Back Market sandbox: {server.url}" if server else ""))
    try:
        return run_gui(url, demo=True, leave_at_once=False)  # the sandbox and the folder go first
    finally:
        if server is not None:
            server.stop()  # the window has closed: the sandbox goes with it
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
