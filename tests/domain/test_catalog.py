"""Catalog: products and variations found or created once, SKUs under the uniqueness setting."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.domain import catalog, settings
from app.domain.catalog import ProductSpec
from app.domain.errors import Conflict, InvalidInput, NotFound
from app.models import Product, Variation
from tests.dbfixtures import IPHONE, PIXEL, make_imei, receive


def _variation(s, spec=IPHONE, grade="A", conds=()):
    return catalog.variation_for(s, spec, grade, conds)


def test_find_or_create_product_once(db):
    with db.sessions.begin() as s:
        a = catalog.find_or_create_product(s, IPHONE)
        b = catalog.find_or_create_product(s, ProductSpec("Apple", " iPhone  8 Plus ", "A1864", "Sprint", "64GB", "Rose Gold"))
        c = catalog.find_or_create_product(s, ProductSpec("Apple", "iPhone 8 Plus", "A1864", "Sprint", "256GB", "Rose Gold"))
        assert a.id == b.id != c.id
        assert a.display_name == "Apple iPhone 8 Plus A1864 Sprint 64GB Rose Gold"
        assert s.scalar(select(func.count(Product.id))) == 2


def test_product_needs_manufacturer_and_model(db):
    with db.sessions.begin() as s, pytest.raises(InvalidInput, match="manufacturer and a model"):
        catalog.find_or_create_product(s, ProductSpec("Apple", "  "))


def test_variation_unique_regardless_of_condition_order(db):
    with db.sessions.begin() as s:
        v1, created1 = _variation(s, conds=("CG", "SC"))
        v2, created2 = _variation(s, conds=("sc", "cg", "SC"))
        v3, created3 = _variation(s, conds=("CG",))
        v4, created4 = _variation(s, grade="B", conds=("SC", "CG"))
        assert (created1, created2, created3, created4) == (True, False, True, True)
        assert v1.id == v2.id and len({v1.id, v3.id, v4.id}) == 3
        assert [c.code for c in v1.conditions] == ["CG", "SC"]
        assert v1.condition_key == catalog.condition_key([c.id for c in v1.conditions])


def test_variation_unknown_grade_or_condition(db):
    with db.sessions.begin() as s:
        with pytest.raises(NotFound, match="Unknown grade “Z”"):
            _variation(s, grade="Z")
        with pytest.raises(NotFound, match="Unknown condition XX"):
            _variation(s, conds=("CG", "XX"))


def test_sku_unique_by_default_and_case_insensitive(db):
    with db.sessions.begin() as s:
        assert settings.get(s, "catalog.sku_unique") is True
        a, _ = _variation(s)
        b, _ = _variation(s, grade="B")
        catalog.assign_sku(s, [a.id], "IP8P-64-RG")
        assert (a.sku, a.sku_norm) == ("IP8P-64-RG", "ip8p-64-rg")
        with pytest.raises(Conflict, match="already used by"):
            catalog.assign_sku(s, [b.id], "ip8p-64-rg")
        with pytest.raises(Conflict, match="cannot go on 2 variations"):
            catalog.assign_sku(s, [a.id, b.id], "OTHER")
        catalog.assign_sku(s, [a.id], "ip8p-64-RG")  # re-assigning its own SKU in another case is fine
        assert a.sku == "ip8p-64-RG"


def test_several_variations_share_a_sku_when_uniqueness_is_off(db):
    with db.sessions.begin() as s:
        settings.set_(s, "catalog.sku_unique", False)
        a, _ = _variation(s)
        b, _ = _variation(s, grade="B")
        c, _ = _variation(s, spec=PIXEL)
        catalog.assign_sku(s, [a.id, b.id], "SHARED")
        catalog.assign_sku(s, [c.id], "shared")
        holders = catalog.sku_holders(s, "Shared")
        assert [v.id for v in holders] == sorted([a.id, b.id, c.id])


def test_sku_clear_and_bad_values(db):
    with db.sessions.begin() as s:
        a, _ = _variation(s)
        catalog.assign_sku(s, [a.id], "X1")
        catalog.assign_sku(s, [a.id], "   ")
        assert (a.sku, a.sku_norm) == (None, None)
        with pytest.raises(InvalidInput):
            catalog.assign_sku(s, [a.id], "a" * 121)
        with pytest.raises(InvalidInput):
            catalog.assign_sku(s, [a.id], "two\nlines")
        with pytest.raises(NotFound):
            catalog.assign_sku(s, [a.id, 999999], "X2")
        with pytest.raises(InvalidInput):
            catalog.assign_sku(s, [], "X2")


def test_assign_sku_reports_variations_sharing_old_and_new_sku(db):
    with db.sessions.begin() as s:
        settings.set_(s, "catalog.sku_unique", False)
        a, _ = _variation(s)
        b, _ = _variation(s, grade="B")
        c, _ = _variation(s, grade="C")
        catalog.assign_sku(s, [a.id, b.id], "OLD")
        catalog.assign_sku(s, [c.id], "NEW")
        changes = catalog.assign_sku(s, [a.id], "new")
        assert changes.variation_ids == {a.id, b.id, c.id}


def test_receiving_with_sku_sets_it_on_the_variation(db):
    receive(db, make_imei(1), sku="IP8-A")
    with db.reads() as s:
        assert s.scalar(select(Variation.sku)) == "IP8-A"
    with pytest.raises(Conflict, match="SKUs must be unique"):
        receive(db, make_imei(2), grade="B", sku="ip8-a")
