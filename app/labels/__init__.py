"""Barcodes and label/packing-slip layouts, with no Qt: layouts return drawing lists in
millimetres that ``app.ui.printing`` paints to a printer, a PDF or a preview image."""

from __future__ import annotations

from app.labels.barcode import BarcodeError, code128_modules, code128_png, code128_svg
from app.labels.items import Barcode, Line, Page, Text
from app.labels.layouts import (
    PackingSlipData,
    SkuLabelData,
    SlipLine,
    UnitLabelData,
    layout_packing_slip,
    layout_sku_label,
    layout_unit_label,
)
from app.labels.sizes import A4, LETTER, THERMAL_2_25x1_25, THERMAL_4x6, LabelSize, label_size
from app.labels.slip import SlipTooSmall

__all__ = [
    "A4", "LETTER", "THERMAL_2_25x1_25", "THERMAL_4x6",
    "Barcode", "BarcodeError", "LabelSize", "Line", "Page", "PackingSlipData", "SkuLabelData",
    "SlipLine", "SlipTooSmall", "Text", "UnitLabelData",
    "code128_modules", "code128_png", "code128_svg", "label_size",
    "layout_packing_slip", "layout_sku_label", "layout_unit_label",
]
