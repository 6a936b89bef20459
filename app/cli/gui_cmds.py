"""`refurbdesk gui` and `refurbdesk demo`: the desktop app, on your database or a throw-away one."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

TOKEN_ENV = "REFURBDESK_BACKMARKET_TOKEN"
SHIPSTATION_KEY_ENV = "REFURBDESK_SHIPSTATION_KEY"


def register(sub) -> None:
    p = sub.add_parser("gui", help="start the desktop app (the default)")
    p.set_defaults(handler=cmd_gui)
    p = sub.add_parser("demo", help="the app on a throw-away database with demo stock and a local Back Market")
    p.add_argument("--no-sandbox", action="store_true", help="do not start the local Back Market and ShipStation sandboxes (offline demo)")
    p.add_argument("--keep", action="store_true", help="keep the demo database folder afterwards")
    p.set_defaults(handler=cmd_demo)


def cmd_gui(args) -> int:
    from app.ui.app import run_gui

    return run_gui(getattr(args, "db", None))


@dataclass
class DemoSandboxes:
    """The local Back Market and ShipStation a demo talks to; both stop together."""

    backmarket: object
    shipstation: object

    def stop(self) -> None:
        for server in (self.shipstation, self.backmarket):
            server.stop()


def prepare_demo(folder: Path, *, sandbox: bool) -> tuple[str, DemoSandboxes | None]:
    """A seeded demo database in `folder`, and the started sandboxes (or None). Used by screenshots too."""
    from app.db import open_database
    from app.demo.seed import buy_demo_label, connect_backmarket, connect_shipstation, mark_demo, seed_demo
    from app.domain.setup import initialize

    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    db = open_database(url)
    try:
        initialize(db)
        made = seed_demo(db)
        mark_demo(db, sync=sandbox)
        servers = None
        if not sandbox:
            # Offline: no token or key from the environment either, so nothing in this process can reach
            # a real Back Market or ShipStation account (the demo database refuses any host but this computer).
            os.environ.pop(TOKEN_ENV, None)
            os.environ.pop(SHIPSTATION_KEY_ENV, None)
        if sandbox:
            from app.integrations.shipstation.sandbox import DEMO_KEY
            from app.integrations.shipstation.sandbox import SandboxServer as ShipStationSandbox
            from app.sync.sandbox import DEMO_TOKEN, SandboxServer

            servers = DemoSandboxes(SandboxServer(port=0, demo=True).start(), ShipStationSandbox(port=0, demo=True).start())
            connect_backmarket(db, servers.backmarket.url)
            connect_shipstation(db, servers.shipstation.url)
            # The environment wins over the keyring: a demo needs no keyring at all.
            os.environ[TOKEN_ENV] = DEMO_TOKEN
            os.environ[SHIPSTATION_KEY_ENV] = DEMO_KEY
            buy_demo_label(db, servers.shipstation.store, made["orders"][1])
            log.info("demo sandboxes: Back Market %s, ShipStation %s", servers.backmarket.url, servers.shipstation.url)
    finally:
        db.dispose()
    return url, servers


def cmd_demo(args) -> int:
    from app.ui.app import run_gui

    folder = Path(tempfile.mkdtemp(prefix="refurbdesk-demo-"))
    url, server = prepare_demo(folder, sandbox=not args.no_sandbox)
    print(f"Demo database: {folder / 'demo.sqlite3'}" + (
        f" · Back Market sandbox: {server.backmarket.url} · ShipStation sandbox: {server.shipstation.url}"
        if server else ""))
    try:
        return run_gui(url, demo=True, leave_at_once=False)  # the sandbox and the folder go first
    finally:
        if server is not None:
            server.stop()  # the window has closed: the sandbox goes with it
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
