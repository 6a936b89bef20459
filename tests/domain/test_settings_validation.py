"""Configuration can never zero the account: every name-valued setting is checked on write against
the lists (case-insensitively, stored as the list spells it), typed settings are checked, and a
setting an older version stored wrongly still resolves (counted_scope) instead of counting nothing."""

from __future__ import annotations

import json

import pytest

from app.domain import reference, settings
from app.domain.errors import DomainError
from app.models import InventoryStatus, Setting, Warehouse


def write(db, key, value):
    with db.sessions.begin() as s:
        settings.set_(s, key, value)


def read(db, key):
    with db.reads() as s:
        return settings.get(s, key)


def write_raw(db, key, value):
    """What an older RefurbDesk left in the table, unchecked."""
    with db.sessions.begin() as s:
        row = s.get(Setting, key)
        if row is None:
            s.add(Setting(key=key, value=json.dumps(value)))
        else:
            row.value = json.dumps(value)


def test_names_are_matched_case_insensitively_and_stored_as_the_list_spells_them(db):
    with db.sessions.begin() as s:
        reference.define_warehouse(s, "Annex")
    write(db, "backmarket.statuses", ["available", " REPAIR ", "Available"])
    write(db, "backmarket.warehouses", ["main", "annex"])
    write(db, "backmarket.order_states", {"1": "ready to ship", "Cancelled": "cancelled"})
    write(db, "inventory.sold_status", "sold")
    write(db, "orders.shipped_status", "SHIPPED")
    assert read(db, "backmarket.statuses") == ["Available", "Repair"]
    assert read(db, "backmarket.warehouses") == ["Main", "Annex"]
    assert read(db, "backmarket.order_states") == {"1": "Ready to ship", "cancelled": "Cancelled"}
    assert read(db, "inventory.sold_status") == "Sold"
    assert read(db, "orders.shipped_status") == "Shipped"


@pytest.mark.parametrize("key, value, words", [
    ("backmarket.statuses", ["Availble"], "Available"),
    ("backmarket.statuses", [], "at least one"),
    ("backmarket.warehouses", ["Nowhere"], "Main"),
    ("backmarket.order_states", {"1": "Paid"}, "Ready to ship"),
    ("backmarket.order_states", {"7": "New"}, "refunded"),
    ("inventory.sold_status", "Sould", "Sold"),
    ("inventory.returned_status", "", "Returned"),
    ("orders.new_status", "Nouveau", "Awaiting payment"),
    ("orders.cancelled_status", "Canceled", "Cancelled"),
])
def test_an_unknown_name_is_refused_in_one_line_that_lists_the_known_ones(db, key, value, words):
    before = read(db, key)
    with pytest.raises(DomainError) as refused:
        write(db, key, value)
    message = str(refused.value)
    assert "\n" not in message and key in message and words in message
    assert read(db, key) == before  # the refusal changed nothing


@pytest.mark.parametrize("key, text, stored", [
    ("backmarket.enabled", "OFF", False),
    ("backmarket.mapping", "Variation", "variation"),
    ("backmarket.customer_name", " Channel ", "channel"),
    ("backmarket.platform", "US", "us"),
    ("backmarket.market", "DE-DE", "de-de"),
    ("backmarket.market", "", ""),
    ("backmarket.since_days", "0", 0),
    ("backmarket.interval_seconds", "30", 30),
    ("backmarket.api_url", "http://127.0.0.1:8765/", "http://127.0.0.1:8765"),
    ("backmarket.api_url", "http://localhost:8765", "http://localhost:8765"),
    ("backmarket.api_url", "http://127.9.9.9", "http://127.9.9.9"),
    ("backmarket.api_url", "http://[::1]:8765", "http://[::1]:8765"),
    ("backmarket.api_url", "https://bm.example.com", "https://bm.example.com"),
    ("backmarket.api_url", "", ""),
])
def test_typed_settings_take_their_type_and_canonical_spelling(db, key, text, stored):
    with db.sessions.begin() as s:
        settings.set_(s, key, settings.parse_value(key, text))
    assert read(db, key) == stored


@pytest.mark.parametrize("key, text, words", [
    ("backmarket.enabled", "maybe", "true or false"),
    ("backmarket.mapping", "skus", "sku, variation"),
    ("backmarket.customer_name", "buyer", "shipping, channel"),
    ("backmarket.platform", "fr", "eu, us, ap"),
    ("backmarket.market", "xx-yy", "fr-fr"),
    ("backmarket.since_days", "-1", "0 or more"),
    ("backmarket.interval_seconds", "0", "1 or more"),
    ("backmarket.api_url", "http://192.168.1.20:8765", "clear"),
    ("backmarket.api_url", "http://localhost.example.com", "clear"),
    ("backmarket.api_url", "http://www.backmarket.fr", "clear"),
    ("backmarket.api_url", "127.0.0.1:8765", "https://"),
    ("backmarket.api_url", "ftp://127.0.0.1", "https://"),
    ("database.id", "abc", "RefurbDesk"),
])
def test_typed_settings_refuse_what_they_cannot_mean(db, key, text, words):
    before = read(db, key)
    with pytest.raises(DomainError) as refused:
        with db.sessions.begin() as s:
            settings.set_(s, key, settings.parse_value(key, text))
    message = str(refused.value)
    assert "\n" not in message and words in message, message
    assert read(db, key) == before


def test_a_list_given_as_broken_json_is_refused_in_words(db):
    with pytest.raises(DomainError) as refused:
        settings.parse_value("backmarket.statuses", '["Available"')
    assert "backmarket.statuses" in str(refused.value)


def test_counted_scope_resolves_an_old_lower_case_setting_instead_of_counting_nothing(db):
    write_raw(db, "backmarket.statuses", ["available", "repair"])
    write_raw(db, "backmarket.warehouses", ["main"])
    with db.reads() as s:
        scope = settings.counted_scope(s)
        available = s.query(InventoryStatus).filter_by(name="Available").one().id
        repair = s.query(InventoryStatus).filter_by(name="Repair").one().id
        main = s.query(Warehouse).filter_by(name="Main").one().id
    assert set(scope.status_ids) == {available, repair}
    assert scope.warehouse_ids == (main,)
    assert not scope.empty and scope.problem is None


def test_counted_scope_that_resolves_to_nothing_says_why(db):
    with db.reads() as s:
        default = settings.counted_scope(s)
    assert len(default.status_ids) == 1 and default.warehouse_ids is None and not default.empty
    write_raw(db, "backmarket.statuses", ["Availble"])
    with db.reads() as s:
        scope = settings.counted_scope(s)
    assert scope.status_ids == () and scope.empty
    assert "Availble" in scope.problem and "\n" not in scope.problem
    write_raw(db, "backmarket.statuses", ["Available"])
    write_raw(db, "backmarket.warehouses", ["Nowhere"])
    with db.reads() as s:
        scope = settings.counted_scope(s)
    assert scope.warehouse_ids == () and scope.empty and "Nowhere" in scope.problem


def test_every_database_gets_one_identity(db):
    with db.sessions.begin() as s:
        first = settings.database_id(s)
    with db.sessions.begin() as s:
        assert settings.database_id(s) == first
    assert len(first) >= 16


def test_choice_words_an_old_version_stored_unchecked_read_canonically(db):
    write_raw(db, "backmarket.mapping", "Variation")
    write_raw(db, "backmarket.platform", " EU")
    with db.reads() as s:
        assert settings.get(s, "backmarket.mapping") == "variation"
        assert settings.get_many(s, ["backmarket.platform"]) == {"backmarket.platform": "eu"}
