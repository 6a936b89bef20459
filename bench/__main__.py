"""`python -m bench --units N --variations V --listings L --json FILE [--db URL] [--keep]`

Builds a realistic database (bench/build.py), measures the core paths (bench/core.py), prints a
table and writes every number to the JSON file. On PostgreSQL every key gets a `pg_` prefix.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from app.db import sqlite_path
from bench import core, report
from bench.build import build_in_child


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--units", type=int, default=1_000_000)
    p.add_argument("--variations", type=int, default=100_000)
    p.add_argument("--listings", type=int, default=10_000)
    p.add_argument("--open-orders", type=int, default=None, help="open orders (default: 2,000 at 1M units)")
    p.add_argument("--import-rows", type=int, default=100_000)
    p.add_argument("--scans", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", dest="json_path", default=None, help="write the results here")
    p.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    p.add_argument("--no-build", action="store_true", help="measure an existing bench database as it is")
    p.add_argument("--gui", action="store_true",
                   help="also measure the GUI on the same database: catalog first rows and filter, scan to verdict")
    p.add_argument("--sync", action="store_true",
                   help="also run the Back Market sync bench (its own database and sandbox, --listings listings)")
    p.add_argument("--quiet", action="store_true")
    return p.parse_args(argv)


def run(args: argparse.Namespace) -> dict:
    say = (lambda _m: None) if args.quiet else (lambda m: print(m, file=sys.stderr, flush=True))
    tmpdir = None
    url = args.db
    if url is None:
        tmpdir = tempfile.mkdtemp(prefix="refurbdesk-bench-")
        url = f"sqlite:///{Path(tmpdir) / 'bench.sqlite3'}"
    prefix = "" if url.startswith("sqlite") else "pg_"
    results: dict = {}
    try:
        if not args.no_build:
            say(f"building {args.units:,} units / {args.variations:,} variations / {args.listings:,} listings at {url}")
            t0 = time.perf_counter()
            info = build_in_child(url, args.units, args.variations, args.listings, args.seed,
                                  open_orders=args.open_orders)
            results["build_s"] = round(time.perf_counter() - t0, 2)
            results["build"] = info
        results.update(core.measure(url, scans=args.scans, import_rows=args.import_rows, seed=args.seed, log=say))
        if args.gui:
            from bench.gui_bench import run_gui_bench
            from bench.gui_window_bench import run_window_bench

            say("measuring: GUI (catalog tab)")
            _section(results, "gui_catalog", lambda: run_gui_bench(url), say)

            def window() -> dict:
                numbers = run_window_bench(url, scans=200, import_rows=args.import_rows, log=say)
                # Namespaced: the core's commit_transaction keys are not these.
                return {k if k.startswith(("gui_", "scan_during_")) else f"gui_scan_{k}": v for k, v in numbers.items()}

            # Scan to verdict on the full main window with the sync running, then during an import.
            say("measuring: GUI scans on the main window (sync running, sounds on, 3 a second), then during an import")
            _section(results, "gui_window", window, say)
        if args.sync:
            from bench.sync_bench import run_sync_bench

            say(f"measuring: Back Market sync of {args.listings:,} listings against the sandbox")
            _section(results, "sync_bench", lambda: run_sync_bench(args.listings), say)
    finally:
        path = sqlite_path(url)
        if not args.keep and path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            if tmpdir:
                Path(tmpdir).rmdir()
    results["machine"] = report.machine()
    results["database"] = "sqlite" if not prefix else "postgresql"
    results["size"] = {"units": args.units, "variations": args.variations, "listings": args.listings}
    return {prefix + k if k not in ("machine", "database", "size") else k: v for k, v in results.items()}


def _section(results: dict, name: str, measure, say) -> None:
    """One optional part of the bench: its numbers, or `<name>_error` saying why there are none (the
    other parts' numbers are still reported)."""
    try:
        results.update(measure())
    except Exception as exc:  # a bench part that breaks is a finding, reported with the rest
        results[f"{name}_error"] = f"{type(exc).__name__}: {exc}"
        say(f"  {name} failed: {exc}")


def main(argv=None) -> int:
    from app.threads import tune_for_latency

    tune_for_latency()  # as `refurbdesk` does at start (app/cli)
    args = parse_args(argv)
    results = run(args)
    prefix = "pg_" if results["database"] == "postgresql" else ""
    print(report.table(results, prefix))
    if args.json_path:
        report.write_json(args.json_path, results)
    failed = sorted(k for k in results if k.endswith(("catalog_error", "window_error", "bench_error", "process_error")))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
