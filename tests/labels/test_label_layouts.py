"""Label and slip layouts: everything on the page, barcodes with quiet zones, nothing lost."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.labels import (
    A4,
    LETTER,
    THERMAL_2_25x1_25,
    THERMAL_4x6,
    Barcode,
    LabelSize,
    Line,
    PackingSlipData,
    Page,
    SkuLabelData,
    SlipLine,
    SlipTooSmall,
    Text,
    UnitLabelData,
    code128_modules,
    layout_packing_slip,
    layout_sku_label,
    layout_unit_label,
)
from app.labels.barcode import QUIET_ZONE_MODULES

IMEI = "356938035643809"
EPS = 1e-6


def _box(item: Text | Barcode | Line) -> tuple[float, float, float, float]:
    if isinstance(item, Line):
        return (min(item.x1, item.x2), min(item.y1, item.y2), max(item.x1, item.x2),
                max(item.y1, item.y2))
    return item.x, item.y, item.x + item.w, item.y + item.h


def assert_inside(page: Page) -> None:
    for item in page.items:
        x0, y0, x1, y1 = _box(item)
        assert x0 >= -EPS and y0 >= -EPS, item
        assert x1 <= page.size.width_mm + EPS and y1 <= page.size.height_mm + EPS, item


def assert_quiet_zones(page: Page) -> None:
    """Ten modules clear each side of the bars, on the page and free of other items."""
    for bc in (i for i in page.items if isinstance(i, Barcode)):
        quiet = QUIET_ZONE_MODULES * bc.module_mm
        assert bc.quiet_mm >= quiet - EPS
        zone_x0, zone_x1 = bc.x - quiet, bc.x + bc.w + quiet
        assert zone_x0 >= -EPS and zone_x1 <= page.size.width_mm + EPS
        bars_y0, bars_y1 = bc.y, bc.y + bc.bar_height_mm
        for other in page.items:
            if other is bc:
                continue
            x0, y0, x1, y1 = _box(other)
            overlaps_y = y0 < bars_y1 - EPS and y1 > bars_y0 + EPS
            overlaps_x = x0 < zone_x1 - EPS and x1 > zone_x0 + EPS
            assert not (overlaps_x and overlaps_y), (other, bc)


def barcodes(page: Page) -> list[Barcode]:
    return [i for i in page.items if isinstance(i, Barcode)]


UNIT = UnitLabelData(IMEI, "Apple iPhone 12 Pro Max 256GB Pacific Blue", "Very good",
                     ("Screen scratch", "Battery 86%"), "IP12PM-256-BLU-VG")


@pytest.mark.parametrize("size", [THERMAL_2_25x1_25, THERMAL_4x6, A4, LETTER])
def test_unit_label_fits_and_keeps_quiet_zones(size: LabelSize) -> None:
    page = layout_unit_label(UNIT, size)
    assert page.size == size
    assert_inside(page)
    assert_quiet_zones(page)
    [bc] = barcodes(page)
    assert bc.modules == code128_modules(IMEI) and bc.human_text == IMEI


def test_unit_label_on_thermal_stock_is_scannable_and_readable() -> None:
    page = layout_unit_label(UNIT)
    [bc] = barcodes(page)
    assert bc.module_mm >= 0.19
    assert bc.bar_height_mm >= 6.0
    assert all(t.pt_size >= 5.5 for t in page.items if isinstance(t, Text))
    text = " ".join(page.texts())
    # The long product name wraps rather than losing its colour; grade and SKU are whole.
    for word in ("iPhone", "256GB", "Pacific", "Blue", "Very good", "IP12PM-256-BLU-VG",
                 "Battery 86%"):
        assert word in text


def test_unit_label_without_sku_or_conditions() -> None:
    page = layout_unit_label(UnitLabelData("F2LXK0ABHG7F", "Pixel 7", "Fair", (), None))
    assert_inside(page)
    assert_quiet_zones(page)
    assert not any("SKU" in t for t in page.texts())


@settings(max_examples=60, deadline=None)
@given(product=st.text(min_size=0, max_size=120), grade=st.text(max_size=30),
       conditions=st.lists(st.text(max_size=40), max_size=6),
       sku=st.none() | st.text(min_size=1, max_size=40),
       code=st.text(alphabet="0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=1, max_size=20))
def test_any_unit_label_stays_on_the_thermal_label(product: str, grade: str,
                                                    conditions: list[str], sku: str | None,
                                                    code: str) -> None:
    page = layout_unit_label(UnitLabelData(code, product, grade, tuple(conditions), sku))
    assert_inside(page)
    assert_quiet_zones(page)


def test_sku_label_encodes_the_sku() -> None:
    page = layout_sku_label(SkuLabelData("IP13-128-MID-EX", "Apple iPhone 13 128GB Midnight",
                                         "Excellent", ("Battery 100%",)))
    assert_inside(page)
    assert_quiet_zones(page)
    [bc] = barcodes(page)
    assert bc.modules == code128_modules("IP13-128-MID-EX")
    assert bc.human_text == "IP13-128-MID-EX"


def _slip(lines: int, units_per_line: int) -> PackingSlipData:
    return PackingSlipData(
        "BM-48213377", "Jeanne Dupont", "Back Market FR", "2026-03-14 10:42",
        tuple(SlipLine(f"Apple iPhone {11 + i} 128GB Black - Good", units_per_line,
                       tuple(f"35693803{i:03d}{j:04d}" for j in range(units_per_line)))
              for i in range(lines)),
        ("Jeanne Dupont", "12 rue des Lilas", "75011 Paris", "France"))


@pytest.mark.parametrize("size", [THERMAL_4x6, A4, LETTER])
def test_short_slip_is_one_page_with_order_barcode_on_top(size: LabelSize) -> None:
    [page] = layout_packing_slip(_slip(2, 2), size)
    assert_inside(page)
    assert_quiet_zones(page)
    [bc] = barcodes(page)
    assert bc.modules == code128_modules("BM-48213377")
    assert bc.y < min(i.y for i in page.items if isinstance(i, Text) and "IMEI" in i.text)
    texts = page.texts()
    for expected in ("Jeanne Dupont", "Back Market FR", "2026-03-14 10:42", "75011 Paris",
                     "Apple iPhone 12 128GB Black - Good", "IMEI  356938030010001",
                     "Order BM-48213377 · page 1 of 1"):
        assert expected in texts


@pytest.mark.parametrize("size", [THERMAL_4x6, A4])
def test_long_slip_paginates_and_lists_every_unit_once(size: LabelSize) -> None:
    data = _slip(6, 25)
    pages = layout_packing_slip(data, size)
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert_inside(page)
        assert f"Order BM-48213377 · page {number} of {len(pages)}" in page.texts()
        # Rows on a page never overlap each other.
        rows = sorted((t.y, t.y + t.h) for t in page.items
                      if isinstance(t, Text) and t.text.startswith("IMEI"))
        assert all(a[1] <= b[0] + EPS for a, b in zip(rows, rows[1:]))
    printed = [t.removeprefix("IMEI  ") for p in pages for t in p.texts() if t.startswith("IMEI")]
    assert printed == [code for line in data.lines for code in line.codes]
    # A line split over a page break is named again on the next page.
    assert any("(continued)" in t for p in pages[1:] for t in p.texts())


def test_empty_slip_still_has_a_header() -> None:
    [page] = layout_packing_slip(PackingSlipData("42", "Bob", "Shop", "today", ()), THERMAL_4x6)
    assert "Bob" in page.texts()


def test_slip_refuses_stock_too_small() -> None:
    with pytest.raises(SlipTooSmall):
        layout_packing_slip(_slip(1, 1), THERMAL_2_25x1_25)


def test_labels_package_has_no_qt_imports() -> None:
    root = Path(__file__).resolve().parents[2] / "app" / "labels"
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] in {"PySide6", "PyQt6", "shiboken6"} for n in names), path
