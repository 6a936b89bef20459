"""The PO receiving label and the RMA packing list: everything on the page, barcodes readable with
their quiet zones, every unit listed across pages, too-small stock refused."""

from __future__ import annotations

import pytest

from app.labels import A4, LETTER, THERMAL_2_25x1_25, THERMAL_4x6, Barcode, LabelSize, SlipTooSmall, code128_modules
from app.labels.purchasing import (ReceivingLabelData, RmaListLine, RmaPackingListData, layout_receiving_label,
                                   layout_rma_packing_list)
from tests.labels.test_label_layouts import assert_inside, assert_quiet_zones

IMEI = "356938035643809"
LABEL = ReceivingLabelData(IMEI, "Apple iPhone 12 Pro Max A2342 Unlocked 256GB Pacific Blue", "PO100001", 2, "B")


@pytest.mark.parametrize("size", [THERMAL_2_25x1_25, THERMAL_4x6])
def test_receiving_label(size: LabelSize) -> None:
    page = layout_receiving_label(LABEL, size)
    assert_inside(page)
    assert_quiet_zones(page)
    bars = [i for i in page.items if isinstance(i, Barcode)]
    assert len(bars) == 1 and bars[0].modules == code128_modules(IMEI) and bars[0].human_text == IMEI
    texts = " ".join(page.texts())
    assert "PO100001 · line 2 · B" in texts and "iPhone 12 Pro Max" in texts


def _rma(n: int) -> RmaPackingListData:
    lines = tuple(RmaListLine(f"35693803564{i:04d}", "Apple iPhone 12 64GB Black", "Face ID fails", "180.00")
                  for i in range(n))
    return RmaPackingListData("RMA100001", "PhoneLots", "RA-5521", "1Z999AA10123456784", "2026-12-01", lines)


@pytest.mark.parametrize("size", [A4, LETTER, THERMAL_4x6])
def test_rma_packing_list_lists_every_unit_over_pages(size: LabelSize) -> None:
    data = _rma(130)
    pages = layout_rma_packing_list(data, size)
    assert len(pages) > 1
    for page in pages:
        assert_inside(page)
        assert_quiet_zones(page)
    texts = [t for page in pages for t in page.texts()]
    assert all(line.code in texts for line in data.lines)
    assert f"page {len(pages)} of {len(pages)}" in texts[-1]
    assert any("Credit expected: 23,400.00" in t for t in texts)
    first = pages[0].texts()
    assert "RMA100001" in first and "PhoneLots" in first and "RA-5521" in first


def test_rma_packing_list_without_costs_and_too_small_stock() -> None:
    data = RmaPackingListData("RMA100002", "PhoneLots", "", "", "2026-12-01",
                              (RmaListLine(IMEI, "Apple iPhone 12", "dead", None),))
    texts = layout_rma_packing_list(data, A4)[0].texts()
    assert not any("Credit expected" in t for t in texts)
    with pytest.raises(SlipTooSmall, match="an RMA packing list needs at least"):
        layout_rma_packing_list(data, THERMAL_2_25x1_25)
