"""Switching "listings map by" is said before it is done, and each mode keeps its mappings: hand
mappings survive a trip through SKU mode, and the listings are pushed again after each switch."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain import pending
from app.models import Listing
from app.sync import mapping
from app.sync.mapping_mode import preview_switch, switch_mode
from tests.sync.sync_helpers import World, configure, make_db, receive, variation_of


@pytest.fixture
def world(tmp_path, sandbox, naps, token):
    w = World(make_db(tmp_path), sandbox, naps, token)
    configure(w.db, mapping="sku")
    return w


def test_switch_to_variation_and_back_keeps_each_modes_mappings(world):
    store = world.store
    store.add_listing("S22-A", "Galaxy S22 128GB", "EXCELLENT", "379.00", quantity=0)
    store.add_listing("PX7-A", "Pixel 7 128GB", "EXCELLENT", "299.00", quantity=0)
    store.add_listing("NOPE-A", "Nothing carries it", "EXCELLENT", "99.00", quantity=0)
    s22 = receive(world.db, "S22-A", 2, model="Galaxy S22")
    receive(world.db, "PX7-A", 3, model="Pixel 7")
    assert world.cycle().ok
    assert store.listing("S22-A")["quantity"] == 2 and store.listing("PX7-A")["quantity"] == 3

    with world.db.reads() as s:
        ahead = preview_switch(s, "variation")
    assert (ahead.listings, ahead.matched_now, ahead.matched_after) == (3, 2, 0)
    assert "Now 2 of 3 listings match a variation carrying their SKU" in ahead.text
    assert "2 listings matched today would stop having their quantity pushed until each is mapped by hand" in ahead.text

    with world.db.sessions.begin() as s:
        switch_mode(s, "variation")
        mapping.map_listing(s, "S22-A", variation_of(world.db, s22[0]))
    receive(world.db, "S22-A", 1, model="Galaxy S22")
    receive(world.db, "PX7-A", 1, model="Pixel 7")
    assert world.cycle().ok
    assert store.listing("S22-A")["quantity"] == 3  # the hand mapping counts
    assert store.listing("PX7-A")["quantity"] == 3  # unmatched in variation mode: not pushed

    with world.db.reads() as s:
        back = preview_switch(s, "sku")
    assert (back.matched_now, back.matched_after, back.hand_mapped) == (1, 2, 1)
    assert "The 1 hand mapping is kept and come back if you switch back to variation" in back.text

    with world.db.sessions.begin() as s:
        switch_mode(s, "sku")
    with world.db.reads() as s:
        assert pending.take(s).listing_ids is None  # every listing is pushed again
        assert s.scalar(select(Listing.variation_id).where(Listing.sku == "S22-A")) is not None
    assert world.cycle().ok
    assert store.listing("PX7-A")["quantity"] == 4  # matched by SKU again, and pushed

    with world.db.sessions.begin() as s:
        switch_mode(s, "variation")
    with world.db.reads() as s:
        rows = {r["sku"]: r for r in mapping.listings_rows(s)}
    assert rows["S22-A"]["mapped_to"]["variation_id"] == variation_of(world.db, s22[0])  # restored
    assert rows["S22-A"]["calculated_quantity"] == 3 and rows["PX7-A"]["calculated_quantity"] is None


def test_the_same_mode_is_no_switch(world):
    with world.db.reads() as s:
        same = preview_switch(s, "SKU")
    assert not same.changes_anything and same.text == "Listings already map by SKU."


def test_configure_mapping_says_what_happens_and_keeps_the_hand_mappings(world, tmp_path, capsys, monkeypatch):
    from app.cli import main

    monkeypatch.setenv("REFURBDESK_DATA_DIR", str(tmp_path / "data"))
    url = world.db.url
    world.store.add_listing("PX7-A", "Pixel 7", "EXCELLENT", "299.00", quantity=0)
    units = receive(world.db, "PX7-A", 2, model="Pixel 7")
    assert world.cycle().ok
    assert main(["--db", url, "backmarket", "configure", "--mapping", "variation"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("Now 1 of 1 listing match a variation carrying their SKU.") and "stop having" in said
    assert main(["--db", url, "backmarket", "map", "PX7-A", "--variation", str(variation_of(world.db, units[0]))]) == 0
    assert main(["--db", url, "backmarket", "configure", "--mapping", "sku"]) == 0
    assert "The 1 hand mapping is kept" in capsys.readouterr().out
    assert main(["--db", url, "backmarket", "configure", "--mapping", "variation", "--json"]) == 0
    assert '"backmarket.mapping": "variation"' in capsys.readouterr().out  # --json stays pure JSON
    with world.db.reads() as s:
        assert s.scalar(select(Listing.variation_id)) == variation_of(world.db, units[0])
