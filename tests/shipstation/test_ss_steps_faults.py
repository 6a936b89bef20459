"""The ShipStation steps when ShipStation misbehaves: a rejected key, one broken order, a rate limit
that outlasts the call; and the cycle entry point when ShipStation is off or has no key."""

from __future__ import annotations

from app.domain import orders
from app.integrations.shipstation.steps import run_shipstation_cycle, run_shipstation_steps
from app.models import ShipStationOrder
from tests.shipstation.ss_helpers import KEY, PARIS, admin, enable, make_client, steps
from tests.sync.sync_helpers import receive


def _orders(db, n):
    from app.domain import addresses

    numbers = []
    with db.sessions.begin() as s:
        for _ in range(n):
            order, _ = orders.create_direct_order(s, "Jeanne Martin", [orders.parse_line("sku=PX7-128,qty=1")])
            addresses.set_address(s, order.id, addresses.parse_ship_to(PARIS))
            numbers.append(order.number)
    return numbers


def test_one_order_shipstation_fails_on_does_not_hold_back_the_others(db, sandbox, client):
    receive(db, "PX7-128", 3)
    enable(db, sandbox)
    first, broken, last = _orders(db, 3)
    admin(sandbox, "POST", "/faults/broken_order", {"order_number": broken})
    result = run_shipstation_steps(db, client, lambda _t: None)
    assert (result.pushed, result.push_failed) == (2, 1)
    assert any(broken in w and "Object reference" in w for w in result.warnings)
    assert sorted(o["orderNumber"] for o in admin(sandbox, "GET", "/orders")) == sorted([first, last])
    with db.reads() as s:
        link = s.get(ShipStationOrder, orders.get_order(s, broken).id)
        assert "ShipStation refused it" in link.problem and link.remote_id is None

    admin(sandbox, "DELETE", "/faults")
    admin(sandbox, "DELETE", "/requests")
    result = steps(db, client)
    assert result.pushed == 1  # only the one that failed goes again
    sent = [r for r in admin(sandbox, "GET", "/requests") if r["path"] == "/orders/createorders"]
    assert [o["orderNumber"] for o in sent[0]["json"]] == [broken]


def test_a_rejected_key_stops_the_steps_with_words_to_act_on(db, sandbox, client):
    receive(db, "PX7-128", 1)
    enable(db, sandbox)
    _orders(db, 1)
    sandbox.store.revoke_key(KEY)
    admin(sandbox, "DELETE", "/requests")
    result = run_shipstation_steps(db, client, lambda _t: None)
    assert result.error_kind == "key_rejected" and "shipstation key set" in result.error
    assert len(admin(sandbox, "GET", "/requests")) == 1  # stopped at the first refusal
    with db.reads() as s:
        from app.domain import settings

        assert settings.get(s, "shipstation.last_run")["error_kind"] == "key_rejected"


def test_a_rate_limit_longer_than_a_call_may_wait_ends_the_steps_as_rate_limited(db, sandbox, clock):
    enable(db, sandbox)
    admin(sandbox, "POST", "/faults", {"fault": "429", "path_prefix": "/shipments", "reset": 900})
    with make_client(sandbox, clock, call_budget_seconds=60) as client:
        result = run_shipstation_steps(db, client, lambda _t: None)
    assert result.error_kind == "rate_limited" and "40 requests a minute" in result.error


def test_the_cycle_entry_point_when_off_and_without_a_key(db, sandbox, monkeypatch):
    assert run_shipstation_cycle(db) is None  # off by default
    enable(db, sandbox, in_sync_cycle=True)
    result = run_shipstation_cycle(db)
    assert result.error_kind == "no_key" and "shipstation key set" in result.error
    monkeypatch.setenv("REFURBDESK_SHIPSTATION_KEY", KEY)
    result = run_shipstation_cycle(db, timeout=5.0)
    assert result.ok, result.error
