"""The Qt half of `refurbdesk self-check`: the platform plugin loads and a label paints."""

from __future__ import annotations

import os
import sys


def check_qt_platform() -> str:
    """Start a QApplication on the real platform (offscreen when there is no display)."""
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import __version__ as pyside_version
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["refurbdesk-self-check"])
    return f"Qt platform “{app.platformName()}” loaded (PySide6 {pyside_version})"


def check_label_render() -> str:
    from app.labels import THERMAL_2_25x1_25, UnitLabelData, layout_unit_label
    from app.ui.printing import render_image

    page = layout_unit_label(UnitLabelData("356938035643809", "Apple iPhone 13 128GB Midnight", "A", ("SC",), "IP13-A"),
                             THERMAL_2_25x1_25)
    image = render_image(page, dpi=203)
    dark = sum(1 for x in range(0, image.width(), 2) if image.pixelColor(x, image.height() // 2).lightness() < 128)
    if image.isNull() or dark == 0:
        raise RuntimeError("the label rendered blank")
    return f"unit label rendered ({image.width()}×{image.height()} px at 203 dpi)"
