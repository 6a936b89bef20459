"""Pacing and rate limits: the pure windows with a fake clock, and 429s from the real sandbox."""

from __future__ import annotations

import bisect
import threading
import time

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.sync.client import BackMarketClient
from app.sync.errors import RateLimited, RequestRejected
from app.sync.ratelimit import RequestWindow, SkuLineBudget
from app.sync.sandbox import SandboxServer
from app.sync.sandbox.limits import Limits


@settings(max_examples=200, deadline=None)
@given(
    limit=st.integers(min_value=1, max_value=12),
    per_seconds=st.sampled_from([0.5, 1.0, 10.0, 3.7]),
    gaps=st.lists(st.floats(min_value=0.0, max_value=4.0, allow_nan=False), min_size=1, max_size=80),
)
def test_window_never_lets_more_than_limit_start(limit, per_seconds, gaps):
    window = RequestWindow(limit=limit, per_seconds=per_seconds)
    now, starts = 0.0, []
    for gap in gaps:
        now += gap
        while (wait := window.wait_time(now)) > 0:
            now += wait
        window.record(now)
        starts.append(now)
    for index, first in enumerate(starts):
        # Requests starting in [first, first + per_seconds)
        inside = bisect.bisect_left(starts, first + per_seconds) - index
        assert inside <= limit


def test_window_waits_exactly_until_the_oldest_request_leaves():
    window = RequestWindow(limit=2, per_seconds=10.0)
    assert window.wait_time(0.0) == 0.0
    window.record(0.0)
    window.record(3.0)
    assert window.wait_time(4.0) == pytest.approx(6.0)
    assert window.wait_time(10.0) == 0.0
    window.record(10.0)
    assert window.wait_time(11.0) == pytest.approx(2.0)


def test_window_uses_its_clock_when_no_time_is_given():
    ticks = [100.0]
    window = RequestWindow(limit=1, per_seconds=5.0, clock=lambda: ticks[0])
    window.record()
    assert window.wait_time() == pytest.approx(5.0)
    ticks[0] = 105.0
    assert window.wait_time() == 0.0


def test_sku_line_budget_spends_frees_and_persists():
    budget = SkuLineBudget(limit=2000, per_seconds=3600)
    assert budget.available(0) == 2000
    budget.spend(1500, now=0)
    budget.spend(400, now=1000)
    assert budget.available(1000) == 100
    assert budget.wait_time(100, 1000) == 0.0
    assert budget.wait_time(600, 1000) == pytest.approx(2600)  # when the first 1,500 lines age out
    assert budget.wait_time(2001, 1000) is None

    restored = SkuLineBudget.from_state(budget.to_state() + [["junk"], [5, "x"]])
    assert restored.to_state() == budget.to_state()
    assert restored.available(3600) == 1600  # the 1,500 from t=0 have left the hour
    assert restored.available(4600) == 2000
    with pytest.raises(ValueError):
        budget.spend(-1, now=0)


def test_sandbox_limits_block_then_count_afresh():
    ticks = [0.0]
    limits = Limits(request_limit=3, window_seconds=10.0, block_seconds=10.0, clock=lambda: ticks[0])
    assert [limits.admit("t") for _ in range(3)] == [None, None, None]
    assert limits.admit("t") == 10.0
    assert limits.admit("other") is None  # per token
    ticks[0] = 5.0
    assert limits.admit("t") == pytest.approx(5.0)
    ticks[0] = 10.0
    assert limits.admit("t") is None


@pytest.fixture
def tight_sandbox():
    server = SandboxServer(request_limit=5, window_seconds=10.0, block_seconds=0.2, sku_lines_per_hour=5)
    server.start()
    server.store.add_token("tight-token")
    yield server
    server.stop()


def make_client(server, naps, **options) -> BackMarketClient:
    # A generous client window so the sandbox, not the client, is what limits here.
    return BackMarketClient(server.url, "tight-token", sleep=naps,
                            request_budget=RequestWindow(limit=1000), **options)


def test_sandbox_429_with_retry_after_is_honoured(tight_sandbox, naps):
    tight_sandbox.store.configure(rate_limit_retry_after=True)
    naps.cap = 0.3  # really wait out the 0.2 s block
    with make_client(tight_sandbox, naps) as bm:
        for _ in range(8):
            assert list(bm.iter_orders()) == []
    assert naps.waits == [1.0]  # Retry-After is whole seconds, rounded up
    statuses = [entry["status"] for entry in tight_sandbox.store.request_log()]
    assert statuses.count(429) == 1 and len(statuses) == 9


def test_sandbox_429_without_retry_after_waits_out_the_block(tight_sandbox, naps):
    tight_sandbox.store.configure(rate_limit_body="html")  # an edge 429 need not be JSON
    naps.cap = 0.3
    with make_client(tight_sandbox, naps) as bm:
        for _ in range(6):
            list(bm.iter_orders())
    assert len(naps.waits) == 1 and 10.0 <= naps.waits[0] <= 12.0


def test_injected_429s_and_exhaustion(tight_sandbox, naps):
    store = tight_sandbox.store
    store.configure(request_limit=1000)
    store.add_fault("429", method="GET", count=1, retry_after=3)
    with make_client(tight_sandbox, naps, max_retries=2) as bm:
        list(bm.iter_orders())
        assert naps.waits == [3.0]
        store.add_fault("429", count=5)
        with pytest.raises(RateLimited) as limited:
            list(bm.iter_orders())
    assert bm.requests_made == 2 + 3
    assert limited.value.retry_after is None and limited.value.kind == "rate_limited"
    assert "slow down" in limited.value.user_message


def test_sku_lines_per_hour_are_limited(tight_sandbox, naps):
    store = tight_sandbox.store
    listing = store.add_listing("L-1", "Phone L", price="10.00", quantity=0)
    with make_client(tight_sandbox, naps, max_retries=0) as bm:
        bm.batch_update_listings("sku;quantity\nL-1;1\nL-1;2\nL-1;3\nL-1;4\n")
        bm.update_listing(listing["id"], {"quantity": 5})  # the fifth line this hour
        with pytest.raises(RateLimited):
            bm.update_listing(listing["id"], {"quantity": 6})
        store.reset_limits()
        assert bm.update_listing(listing["id"], {"quantity": 6})["quantity"] == 6
        store.reset_limits()
        with pytest.raises(RateLimited):
            bm.batch_update_listings("sku;quantity\n" + "L-1;1\n" * 6)
        with pytest.raises(RequestRejected, match="sku"):
            bm.batch_update_listings("quantity\n1\n")


def test_a_shared_window_holds_across_threads(sandbox, token):
    starts: list[float] = []
    lock = threading.Lock()

    class StampingTransport(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            with lock:
                starts.append(time.monotonic())
            return super().handle_request(request)

    window = RequestWindow(limit=4, per_seconds=0.4)

    def worker() -> None:
        with BackMarketClient(sandbox.url, token, request_budget=window, transport=StampingTransport()) as bm:
            for _ in range(4):
                list(bm.iter_orders())

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    starts.sort()
    assert len(starts) == 12
    for index, first in enumerate(starts):
        # A little slack: the stamp is taken just after the window let the request go.
        assert bisect.bisect_left(starts, first + 0.38) - index <= 4
