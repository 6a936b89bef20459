"""Station actions for the unit-protection races; run in spawned processes (see tests/db/race_workers.py)."""

from __future__ import annotations

from app.domain import inventory
from tests.db import race_workers


def move(url, station, code, status):
    return race_workers._run(url, station, lambda s, a: bool(inventory.move_unit(s, code, status=status, actor=a)))
