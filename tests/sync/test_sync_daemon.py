"""The daemon pushes a local stock change within seconds, without waiting for the next cycle."""

from __future__ import annotations

from app.domain.events import STOCK_CHANGED, bus
from app.sync.daemon import SyncDaemon
from tests.polling import wait_until
from tests.sync.sync_helpers import World, make_db, receive


def test_stock_change_reaches_back_market_without_a_new_cycle(tmp_path, sandbox, naps, token):
    world = World(make_db(tmp_path), sandbox, naps, token)
    world.store.add_listing("IP13-A", "iPhone 13", "EXCELLENT", "429.00", quantity=0)
    receive(world.db, "IP13-A", 1)
    daemon = SyncDaemon(world.engine, interval_seconds=3600, debounce=0.2)
    daemon.start()
    try:
        wait_until(lambda: daemon.cycles >= 1, "the daemon's first cycle")
        assert world.store.listing("IP13-A")["quantity"] == 1
        from app.domain import inventory
        from app.domain.catalog import ProductSpec
        from tests.sync.sync_helpers import new_imei

        with world.db.sessions.begin() as s:
            _unit, changes = inventory.receive_unit(
                s, inventory.Receipt(ProductSpec("Apple", "iPhone 13", capacity="128GB"), "A", sku="IP13-A"), imei=new_imei())
        bus.emit(STOCK_CHANGED, changes)
        wait_until(lambda: world.store.listing("IP13-A")["quantity"] == 2, "the change to be pushed")
        assert daemon.cycles == 1  # a push, not a new cycle
    finally:
        daemon.stop()
