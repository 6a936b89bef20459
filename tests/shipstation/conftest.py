"""Fixtures for the ShipStation tests: a real sandbox on 127.0.0.1 whose rate-limit window runs on a
fake clock, and clients whose waits move that clock instead of sleeping."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from app.integrations.shipstation.client import ShipStationV1Client
from app.integrations.shipstation.sandbox import SandboxServer
from tests.dbfixtures import *  # noqa: F401,F403 - the `db` fixture: SQLite, then PostgreSQL
from tests.shipstation.ss_helpers import KEY, FakeClock, make_client

os.environ.pop("REFURBDESK_SHIPSTATION_KEY", None)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sandbox(clock: FakeClock) -> Iterator[SandboxServer]:
    server = SandboxServer(port=0, clock=clock)
    server.start()
    server.store.add_key(KEY)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def client(sandbox: SandboxServer, clock: FakeClock) -> Iterator[ShipStationV1Client]:
    with make_client(sandbox, clock) as ss:
        yield ss


@pytest.fixture
def bm():
    """The Back Market sandbox, for the flows that start with a Back Market order."""
    from app.sync.sandbox import SandboxServer as BackMarketSandbox

    server = BackMarketSandbox(port=0, block_seconds=0.2, task_delay_seconds=0.2)
    server.start()
    server.store.add_token("bm-test-token")
    try:
        yield server
    finally:
        server.stop()
