"""The sync cycle runs the ShipStation steps even when no Back Market client can be built (no token,
Back Market switched off): under the same lease, recorded as a sync run, the key checked first."""

from __future__ import annotations

from app.domain import settings
from app.models import SyncRun
from app.sync import lease
from app.sync.engine import SWITCHED_OFF, SyncEngine
from tests.shipstation.ss_helpers import KEY, enable, remote_order
from tests.shipstation.test_ss_flow import _direct_order
from tests.sync.sync_helpers import receive


def _engine(db) -> SyncEngine:
    return SyncEngine(db, station="test (pid 1)")  # the real client factory: settings and keyring


def test_no_back_market_token_still_sends_orders_to_shipstation(db, sandbox, monkeypatch):
    receive(db, "PX7-128", 1)
    enable(db, sandbox, in_sync_cycle=True)
    with db.sessions.begin() as s:
        settings.set_(s, "backmarket.enabled", True)  # on, but no token anywhere
    number = _direct_order(db, "sku=PX7-128,qty=1")
    monkeypatch.setenv("REFURBDESK_SHIPSTATION_KEY", KEY)
    engine = _engine(db)
    try:
        report = engine.run_once()
    finally:
        engine.close()
    assert "Back Market API token" in (report.error or "")  # said, and ShipStation ran all the same
    assert "ShipStation" not in report.error
    assert remote_order(sandbox, number)["orderStatus"] == "awaiting_shipment"
    with db.reads() as s:
        assert s.query(SyncRun).count() == 1
        assert settings.get(s, "shipstation.last_run")["error"] is None


def test_back_market_switched_off_shipstation_on_runs_shipstation_alone(db, sandbox, monkeypatch):
    receive(db, "PX7-128", 1)
    enable(db, sandbox, in_sync_cycle=True)
    with db.sessions.begin() as s:
        settings.set_(s, "backmarket.enabled", False)
    number = _direct_order(db, "sku=PX7-128,qty=1")
    monkeypatch.setenv("REFURBDESK_SHIPSTATION_KEY", KEY)
    engine = _engine(db)
    try:
        report = engine.run_once()
        assert report.ok and not report.skipped, report.error
        assert engine.switched_off is False  # the daemon keeps cycling for ShipStation
        assert lease.current_holder(db) == "test (pid 1)"
    finally:
        engine.close()
    assert remote_order(sandbox, number)["orderKey"] == f"refurbdesk-{number}"


def test_without_a_shipstation_key_the_station_never_takes_the_lease(db, sandbox):
    enable(db, sandbox, in_sync_cycle=True)
    with db.sessions.begin() as s:
        settings.set_(s, "backmarket.enabled", False)
    engine = _engine(db)
    try:
        report = engine.run_once()
    finally:
        engine.close()
    assert report.error.startswith("ShipStation: No ShipStation API key is set")
    assert lease.current_holder(db) is None
    with db.reads() as s:
        assert s.query(SyncRun).count() == 0


def test_both_switched_off_is_skipped(db, sandbox):
    enable(db, sandbox, in_sync_cycle=False)
    with db.sessions.begin() as s:
        settings.set_(s, "backmarket.enabled", False)
    engine = _engine(db)
    try:
        report = engine.run_once()
        assert report.skipped == SWITCHED_OFF and engine.switched_off
    finally:
        engine.close()
