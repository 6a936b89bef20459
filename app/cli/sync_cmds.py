"""sync [--once]: the Back Market sync without the GUI."""

from __future__ import annotations

import signal
import sys
import threading

from app.cli.common import database
from app.domain import settings
from app.domain.dates import counted


def register(sub) -> None:
    p = sub.add_parser("sync", help="run the Back Market sync headless")
    p.add_argument("--once", action="store_true", help="run exactly one full cycle, then exit")
    p.add_argument("--progress", action="store_true", help="print progress lines on stderr")
    p.set_defaults(handler=cmd_sync)


def once_exit_code(report) -> int:
    """`sync --once` succeeds only when the cycle ran and nothing was given up: a skipped cycle
    (another station holds the sync), a failed one, or a message to Back Market given up after
    repeated refusals is a non-zero exit with its one-line reason on stderr."""
    if report.skipped:
        reason = f"the sync did not run: {report.skipped}; try again later"
    elif report.error:
        reason = report.error
    elif report.outbox_failed:
        reason = (f"{counted(report.outbox_failed, 'update')} to Back Market (shipments or acceptances) were given up "
                  "after repeated refusals and need attention")
    else:
        return 0
    print(f"refurbdesk: {reason}", file=sys.stderr)
    return 1


def cmd_sync(args) -> int:
    from app.sync.daemon import SyncDaemon
    from app.sync.engine import SyncEngine

    db = database(args)
    with db.reads() as s:
        enabled, interval = settings.get(s, "backmarket.enabled"), settings.get(s, "backmarket.interval_seconds")
        shipping = settings.get(s, "shipstation.enabled")
    if not enabled and not shipping:
        print("The Back Market sync is turned off (backmarket.enabled = false), and ShipStation too.")
        return 0
    progress = (lambda text: print(text, file=sys.stderr, flush=True)) if args.progress else None
    engine = SyncEngine(db)
    if args.once:
        try:
            report = engine.run_once(progress)
        finally:
            engine.close()
        print(report.summary_line(), flush=True)
        return once_exit_code(report)
    daemon = SyncDaemon(engine, interval, progress=progress,
                        on_report=lambda report: print(report.summary_line(), flush=True))
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: daemon.request_stop())
    print(f"Back Market sync running every {interval} s; Ctrl+C stops it.", flush=True)
    daemon.run_forever()
    return 0
