"""Back Market sync bench: a full sync of N listings against the local sandbox, then one local stock
change carried to the marketplace by the daemon's fast push, then stock changed by another process
(the CLI) while a `refurbdesk sync` daemon process holds the lease (stock_change_other_process_s:
from the change's history stamp, written in the CLI's transaction, to the sandbox showing it; the
median of a few).

Real limits are kept: page size 50, 200 requests per 10 s (the client paces itself at 190), 2,000 SKU
lines per hour. Only the sandbox's block time is shortened (it is never hit when pacing works).
Ten thousand listing writes exceed the hourly SKU-line budget, so the first full push writes the
budget's worth (less the share kept for stock changes) and reports how many wait for later hours.

    python -m bench.sync_bench --listings 10000 --json FILE
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TOKEN = "bench-token"
UNITS_PER_SKU = 2


def _seed_sandbox(store, n: int, rng: random.Random) -> None:
    """add_listing checks SKUs one by one (quadratic at 10k); build the same objects directly."""
    from app.sync.sandbox.listings import Listing, Offer
    from app.sync.sandbox.wire import money

    with store.lock:
        for i in range(n):
            listing = Listing(sku=f"BENCH-{i:05d}", title=f"Bench phone {i}", grade="GOOD",
                              quantity=rng.choice((0, 1, 2, 2, 3)), listing_id=store._next_id("listing"),
                              backmarket_id=store._next_id("product"), brand="Bench")
            listing.offers["fr-fr"] = Offer(price=money("199.00"), currency="EUR")
            store.listings[listing.id] = listing


def _luhn_imei(n: int) -> str:
    from app.domain.codes import luhn_check_digit

    first14 = f"35{n:012d}"
    return first14 + luhn_check_digit(first14)


def _seed_database(db, n: int) -> None:
    from app.domain.csv_import import import_inventory

    lines = ["imei,manufacturer,model,model_number,network,capacity,color,grade,conditions,status,warehouse,sku"]
    serial = 1
    for i in range(n):
        for _ in range(UNITS_PER_SKU):
            lines.append(f"{_luhn_imei(serial)},Bench,Phone {i},,,128GB,Black,A,,Available,Main,BENCH-{i:05d}")
            serial += 1
    with db.sessions.begin() as session:
        import_inventory(session, "\n".join(lines) + "\n")


def run_sync_bench(listings: int = 10000) -> dict[str, Any]:
    from app.db import open_database
    from app.domain import inventory, settings
    from app.domain.catalog import ProductSpec
    from app.domain.events import STOCK_CHANGED, bus
    from app.domain.setup import initialize
    from app.sync import secrets
    from app.sync.config import build_client
    from app.sync.daemon import SyncDaemon
    from app.sync.engine import SyncEngine
    from app.sync.ratelimit import RequestWindow
    from bench.keys import sync_full_key
    from app.sync.sandbox import SandboxServer

    rng = random.Random(7)
    workdir = Path(tempfile.mkdtemp(prefix="sync-bench-"))
    db = open_database(f"sqlite:///{workdir / 'bench.sqlite3'}")
    initialize(db)
    result: dict[str, Any] = {"listings": listings}
    with SandboxServer(port=0, block_seconds=2.0) as sandbox:
        sandbox.store.add_token(TOKEN)
        t = time.perf_counter()
        _seed_sandbox(sandbox.store, listings, rng)
        _seed_database(db, listings)
        result["setup_s"] = round(time.perf_counter() - t, 2)
        with db.sessions.begin() as s:
            settings.set_(s, "backmarket.api_url", sandbox.url)
        import os

        os.environ[secrets.ENV_VAR] = TOKEN
        clients = []

        def factory():
            client = build_client(db)
            clients.append(client)
            return client

        engine = SyncEngine(db, factory, station="bench (pid 0)")
        t = time.perf_counter()
        report = engine.run_once()
        full = time.perf_counter() - t
        requests = sum(c.requests_made for c in clients)
        window = RequestWindow()
        pace = window.limit / window.per_seconds
        statuses = [r["status"] for r in sandbox.store.request_log()]
        result.update({
            sync_full_key(listings): round(full, 2),
            "sync_requests_full": requests,
            # The client's own pacing (190 requests per 10 s = 19/s), not the edge's 20/s.
            "sync_rate_limit_floor_s": round(requests / pace, 2),
            "sync_client_pace_per_s": pace,
            "listings_imported": report.listings_imported,
            "quantities_pushed": report.quantities_pushed,
            "quantities_left_for_later_hours": report.quantities_left,
            "sandbox_429s": statuses.count(429),
            "sync_error": report.error,
        })

        # One unit received locally → the daemon's fast push → the sandbox shows it.
        target = next(l for l in sandbox.store.all_listings() if l["quantity"] == UNITS_PER_SKU)
        sku = target["sku"]
        daemon = SyncDaemon(engine, interval_seconds=3600, first_cycle_delay=3600, debounce=0.5).start()
        try:
            index = int(sku.split("-")[1])
            started = time.perf_counter()
            with db.sessions.begin() as s:
                _unit, changes = inventory.receive_unit(
                    s, inventory.Receipt(ProductSpec("Bench", f"Phone {index}", capacity="128GB", color="Black"), "A",
                                         sku=sku), imei=_luhn_imei(10_000_000 + index))
            bus.emit(STOCK_CHANGED, changes)
            while sandbox.store.listing(sku)["quantity"] != UNITS_PER_SKU + 1 and time.perf_counter() - started < 60:
                time.sleep(0.01)
            result["stock_change_to_marketplace_s"] = round(time.perf_counter() - started, 3)
            result["stock_change_reached"] = sandbox.store.listing(sku)["quantity"] == UNITS_PER_SKU + 1
        finally:
            daemon.stop()
        try:
            result.update(_other_process(db, sandbox, workdir, sku, int(sku.split("-")[1])))
        except RuntimeError as exc:  # reported with the numbers above, which stand
            result["stock_change_other_process_error"] = str(exc)
        finally:
            os.environ.pop(secrets.ENV_VAR, None)
    db.dispose()
    return result


def _other_process(db, sandbox, workdir: Path, sku: str, index: int, rounds: int = 3) -> dict[str, Any]:
    """A `refurbdesk sync` daemon process holds the lease; `refurbdesk move` in another process moves
    one of the SKU's units to Repair and back; time until the sandbox shows each new quantity."""
    import os
    import statistics
    import subprocess

    from sqlalchemy import func, select

    from app.domain import inventory, settings
    from app.models import SyncRun, UnitEvent
    from app.models.base import utcnow

    repo = Path(__file__).resolve().parents[1]
    env = dict(os.environ, REFURBDESK_DATA_DIR=str(workdir / "data"), REFURBDESK_STATION="bench-daemon",
               REFURBDESK_BACKMARKET_TOKEN=TOKEN)
    env.pop("REFURBDESK_DB", None)
    cli_env = {k: v for k, v in env.items() if k != "REFURBDESK_BACKMARKET_TOKEN"}
    with db.sessions.begin() as s:
        settings.set_(s, "backmarket.interval_seconds", 3600)

    def finished_runs() -> int:
        with db.reads() as s:
            return s.scalar(select(func.count(SyncRun.id)).where(SyncRun.finished_at.is_not(None))) or 0

    def wait(what: str, condition, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"sync bench: gave up waiting for {what}")
            time.sleep(0.01)

    runs_before = finished_runs()
    log = open(workdir / "daemon.out", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "app", "--db", db.url, "sync"], cwd=repo, env=env,
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    times: list[float] = []
    try:
        wait("the daemon's first cycle", lambda: finished_runs() > runs_before, 1800)
        imei = _luhn_imei(index * UNITS_PER_SKU + 1)
        for n in range(rounds):
            status = "Repair" if n % 2 == 0 else "Available"
            expected = sandbox.store.listing(sku)["quantity"] + (-1 if status == "Repair" else 1)
            cli = subprocess.Popen([sys.executable, "-m", "app", "--db", db.url, "move", imei, "--status", status],
                                   cwd=repo, env=cli_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            wait(f"{sku} at {expected}", lambda: sandbox.store.listing(sku)["quantity"] == expected, 120)
            seen = utcnow()
            _out, err = cli.communicate(timeout=120)
            if cli.returncode != 0:
                raise RuntimeError(f"sync bench: refurbdesk move failed: {err.decode(errors='replace').strip()}")
            with db.reads() as s:
                unit_id = inventory.find_unit(s, imei).id
                changed = s.scalar(select(func.max(UnitEvent.at)).where(UnitEvent.unit_id == unit_id))
            times.append((seen - changed).total_seconds())
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    return {"stock_change_other_process_s": round(statistics.median(times), 3),
            "stock_change_other_process_runs_s": [round(t, 3) for t in times]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=10000)
    parser.add_argument("--json", metavar="FILE", help="write the numbers to FILE as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    numbers = run_sync_bench(args.listings)
    text = json.dumps(numbers, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
