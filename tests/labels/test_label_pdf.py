"""The Qt print adapter: PDF page sizes, rendered bars that read back, printer selection."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.labels import (
    A4,
    LETTER,
    THERMAL_2_25x1_25,
    THERMAL_4x6,
    Barcode,
    LabelSize,
    PackingSlipData,
    SlipLine,
    UnitLabelData,
    code128_modules,
    layout_packing_slip,
    layout_unit_label,
)

pytestmark = pytest.mark.gui

IMEI = "356938035643809"
UNIT = UnitLabelData(IMEI, "Apple iPhone 12 Pro Max 256GB Pacific Blue", "Very good",
                     ("Screen scratch", "Battery 86%"), "IP12PM-256-BLU-VG")


def media_boxes(pdf: Path) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]",
                       pdf.read_bytes())
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


def expected_points(size: LabelSize) -> tuple[float, float]:
    return size.width_mm / 25.4 * 72, size.height_mm / 25.4 * 72


def long_slip() -> PackingSlipData:
    lines = tuple(SlipLine(f"Samsung Galaxy S{20 + i} 128GB - Excellent", 30,
                           tuple(f"R58N{i:02d}{j:05d}" for j in range(30))) for i in range(4))
    return PackingSlipData("BM-1001", "Ann", "Back Market", "2026-03-14", lines, ("1 Main St",))


@pytest.mark.parametrize("size", [THERMAL_2_25x1_25, THERMAL_4x6, A4, LETTER])
def test_pdf_page_is_exactly_the_label_size(qapp, tmp_path: Path, size: LabelSize) -> None:
    from app.ui.printing import write_pdf

    path = tmp_path / f"{size.name}.pdf"
    write_pdf([layout_unit_label(UNIT, size)], path)
    assert path.read_bytes().startswith(b"%PDF")
    [box] = media_boxes(path)
    # Qt rounds page sizes to whole points (A4 is 595 x 842).
    assert box == pytest.approx(expected_points(size), abs=0.6)


def test_long_slip_pdf_has_one_page_per_layout_page(qapp, tmp_path: Path) -> None:
    from app.ui.printing import write_pdf

    pages = layout_packing_slip(long_slip(), THERMAL_4x6)
    assert len(pages) >= 3
    path = tmp_path / "slip.pdf"
    write_pdf(pages, path)
    boxes = media_boxes(path)
    assert len(boxes) == len(pages)
    assert all(b == pytest.approx(expected_points(THERMAL_4x6), abs=0.6) for b in boxes)


def test_mixed_batch_keeps_each_page_size(qapp, tmp_path: Path) -> None:
    from app.ui.printing import write_pdf

    path = tmp_path / "mixed.pdf"
    write_pdf([layout_unit_label(UNIT), *layout_packing_slip(long_slip(), A4)], path)
    boxes = media_boxes(path)
    assert boxes[0] == pytest.approx(expected_points(THERMAL_2_25x1_25), abs=0.6)
    assert boxes[1] == pytest.approx(expected_points(A4), abs=0.6)


def read_modules(image, bc: Barcode, dpi: float) -> str:
    """Sample one pixel row through the bars and turn run lengths back into modules."""
    y = round((bc.y + bc.bar_height_mm / 2) / 25.4 * dpi)
    row = "".join("1" if image.pixelColor(x, y).lightness() < 128 else "0"
                  for x in range(image.width()))
    bars = row[row.index("1"): row.rindex("1") + 1]
    runs = [len(m.group()) for m in re.finditer(r"1+|0+", bars)]
    dots = min(runs)
    assert all(r % dots == 0 for r in runs), "bars are not whole multiples of one module"
    return "".join(("1" if i % 2 == 0 else "0") * (r // dots) for i, r in enumerate(runs))


@pytest.mark.parametrize("dpi", [203, 300])
def test_rendered_unit_label_bars_read_back(qapp, tmp_path: Path, dpi: int) -> None:
    from PySide6.QtGui import QImage

    from app.ui.printing import render_png

    page = layout_unit_label(UNIT)
    path = tmp_path / "unit.png"
    render_png(page, path, dpi=dpi)
    image = QImage(str(path))
    assert (image.width(), image.height()) == (round(57.15 / 25.4 * dpi),
                                               round(31.75 / 25.4 * dpi))
    dark = sum(1 for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)
               if image.pixelColor(x, y).lightness() < 128)
    assert dark > 100, "label rendered blank"
    [bc] = [i for i in page.items if isinstance(i, Barcode)]
    assert read_modules(image, bc, dpi) == code128_modules(IMEI)


def test_unknown_printer_is_a_clear_error(qapp) -> None:
    from app.ui.printing import PrinterUnavailable, available_printers, print_pages

    assert isinstance(available_printers(), list)
    with pytest.raises(PrinterUnavailable, match="no-such-printer"):
        print_pages([layout_unit_label(UNIT)], "no-such-printer")


def test_printer_path_sets_page_size_per_page(qapp, tmp_path: Path) -> None:
    from PySide6.QtPrintSupport import QPrinter

    from app.ui.printing import paint_to_printer

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    path = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(path))
    paint_to_printer(printer, [layout_unit_label(UNIT), layout_unit_label(UNIT, THERMAL_4x6)])
    boxes = media_boxes(path)
    assert boxes[0] == pytest.approx(expected_points(THERMAL_2_25x1_25), abs=0.6)
    assert boxes[1] == pytest.approx(expected_points(THERMAL_4x6), abs=0.6)


def test_no_default_printer_is_a_clear_error(qapp, monkeypatch) -> None:
    from PySide6.QtPrintSupport import QPrinterInfo

    from app.ui.printing import PrinterUnavailable, print_pages, printer

    class NoPrinters:
        availablePrinters = staticmethod(lambda: [])
        defaultPrinter = staticmethod(QPrinterInfo)  # a null QPrinterInfo
        printerInfo = staticmethod(lambda name: QPrinterInfo())

    monkeypatch.setattr(printer, "QPrinterInfo", NoPrinters)
    assert printer.default_printer() is None
    with pytest.raises(PrinterUnavailable, match="no default printer"):
        print_pages([layout_unit_label(UNIT)], None)
