"""Fixtures for the Back Market tests: a real sandbox on 127.0.0.1 and clients that never really wait."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from app.sync.client import BackMarketClient
from app.sync.sandbox import SandboxServer

SANDBOX_TOKEN = "sandbox-test-token"


class SleepRecorder:
    """Stands in for time.sleep: remembers every wait, and really sleeps at most `cap` seconds."""

    def __init__(self, cap: float = 0.0) -> None:
        self.cap = cap
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.cap > 0:
            time.sleep(min(seconds, self.cap))


@pytest.fixture
def token() -> str:
    return SANDBOX_TOKEN


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0, block_seconds=0.2, task_delay_seconds=0.2)
    server.start()
    server.store.add_token(SANDBOX_TOKEN)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def naps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def client(sandbox: SandboxServer, naps: SleepRecorder) -> Iterator[BackMarketClient]:
    with BackMarketClient(sandbox.url, SANDBOX_TOKEN, sleep=naps, timeout=5.0) as bm:
        yield bm
