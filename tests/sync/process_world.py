"""Real processes for the cross-process sync tests: a `refurbdesk sync` daemon and one-shot CLI
commands against one database, the sandbox read through its admin API (/_admin/), deadlines only."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import httpx
import pytest

from tests.sync.test_sync_lease_processes import REPO, Station, dump, start_station

DEADLINE = 60.0  # generous on a loaded 2-core machine; polled, never slept through
POLL = 0.05
WITHIN_SECONDS = 30.0  # "within seconds": generous for a loaded CI machine, still far below a cycle


def cli(url: str, tmp_path: Path, *args: str) -> str:
    """One CLI command in its own process (no token, no sync): it only changes the database."""
    env = dict(os.environ, REFURBDESK_DATA_DIR=str(tmp_path / "cli-data"), REFURBDESK_STATION="desk-2")
    env.pop("REFURBDESK_DB", None)
    env.pop("REFURBDESK_BACKMARKET_TOKEN", None)
    done = subprocess.run([sys.executable, "-m", "app", "--db", url, *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=DEADLINE)
    assert done.returncode == 0, f"refurbdesk {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def remote_quantity(sandbox_url: str, sku: str) -> int | None:
    """The listing's quantity as the sandbox's admin API tells it."""
    listings = httpx.get(f"{sandbox_url}/_admin/listings", timeout=10).json()
    return next((item["quantity"] for item in listings if item["sku"] == sku), None)


def wait_until(what: str, condition: Callable[[], object], stations: list[Station], timeout: float = DEADLINE):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n" + dump(stations))
        for st in stations:
            if st._file is not None and not st.alive():
                pytest.fail(f"{st.name} exited with {st.proc.returncode} while waiting for {what}\n" + dump(stations))
        time.sleep(POLL)


def wait_for_quantity(sandbox_url: str, sku: str, quantity: int, stations: list[Station],
                      timeout: float = DEADLINE) -> float:
    """Seconds until the sandbox shows `quantity` for `sku`."""
    started = time.monotonic()
    wait_until(f"{sku} at {quantity} on the sandbox", lambda: remote_quantity(sandbox_url, sku) == quantity,
               stations, timeout)
    return time.monotonic() - started


def daemon(url: str, tmp_path: Path, token: str, name: str = "sync-station", **env: str) -> Station:
    return start_station(url, name, tmp_path, token, env or None)


__all__ = ["DEADLINE", "WITHIN_SECONDS", "Station", "cli", "daemon", "dump", "remote_quantity", "wait_for_quantity", "wait_until"]
