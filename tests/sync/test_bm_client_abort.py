"""A request in flight is cut off by abort() from another thread: a Back Market that accepts the
connection and never answers must not keep a stopping sync for the whole timeout."""

from __future__ import annotations

import socket
import threading

import pytest

from app.sync.client import BackMarketClient, Interrupted
from app.sync.errors import Offline

NEVER = 600.0  # the client's timeout: far longer than any test run, so only abort() can end the call
DEADLINE = 60.0  # a generous bound for a stuck run, never a claim about speed


@pytest.fixture
def silent():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(DEADLINE)
    yield server
    server.close()


def _call_in_thread(call):
    outcome: dict[str, BaseException | object] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # noqa: BLE001 — handed to the test
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def _accept_request(server: socket.socket) -> socket.socket:
    conn, _ = server.accept()
    conn.settimeout(DEADLINE)
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(4096)
    return conn


def _client(server: socket.socket) -> BackMarketClient:
    port = server.getsockname()[1]
    return BackMarketClient(f"http://127.0.0.1:{port}", "abort-test-token", timeout=NEVER, max_retries=4)


@pytest.mark.parametrize("call", ["read", "repeatable write"])
def test_abort_cuts_off_a_repeatable_call_in_flight(silent, call):
    client = _client(silent)
    send = (lambda: client.get_listing(1)) if call == "read" else (lambda: client.update_listing(1, {"quantity": 3}))
    thread, outcome = _call_in_thread(send)
    conn = _accept_request(silent)
    client.abort()
    thread.join(DEADLINE)
    assert not thread.is_alive()
    assert isinstance(outcome.get("error"), Interrupted), outcome  # sending it again later is harmless
    conn.close()
    client.close()


def test_an_aborted_order_change_may_have_reached_back_market(silent):
    client = _client(silent)
    thread, outcome = _call_in_thread(lambda: client.accept_line(1, "SKU-1"))
    conn = _accept_request(silent)
    client.abort()
    thread.join(DEADLINE)
    assert not thread.is_alive()
    error = outcome.get("error")
    assert isinstance(error, Offline) and not isinstance(error, Interrupted), outcome
    assert error.may_have_reached_server  # the outbox must not take it as never sent
    conn.close()
    client.close()


def test_after_abort_no_new_request_is_sent(silent):
    client = _client(silent)
    client.abort()
    with pytest.raises(Interrupted):
        client.get_listing(1)
    silent.settimeout(0.0)
    with pytest.raises(BlockingIOError):
        silent.accept()  # nobody connected
    client.close()
