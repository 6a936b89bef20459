"""Code 128 output decodes back to the data it was given (with a small independent decoder)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from barcode.charsets import code128 as charset
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from app.labels import BarcodeError, code128_modules, code128_png, code128_svg, label_size
from app.labels.barcode import QUIET_ZONE_MODULES, bar_runs
from app.labels.sizes import A4, LETTER, THERMAL_2_25x1_25, THERMAL_4x6

_VALUE_OF = {pattern: value for value, pattern in enumerate(charset.CODES)}
_A = {value: char for char, value in charset.A.items() if isinstance(char, str) and len(char) == 1}
_B = {value: char for char, value in charset.B.items() if isinstance(char, str) and len(char) == 1}
STOP = "1100011101011"


def decode_code128(modules: str) -> str:
    """Split into 11-module symbols, check start, checksum and stop, and read the data."""
    assert modules.endswith(STOP), "missing stop pattern"
    body = modules[: -len(STOP)]
    assert len(body) % 11 == 0
    values = [_VALUE_OF[body[i:i + 11]] for i in range(0, len(body), 11)]
    *payload, check = values
    assert sum([payload[0]] + [i * v for i, v in enumerate(payload[1:], 1)]) % 103 == check
    start = payload[0]
    mode = {103: "A", 104: "B", 105: "C"}[start]
    out: list[str] = []
    for value in payload[1:]:
        if mode == "C":
            if value < 100:
                out.append(f"{value:02d}")
            elif value == 100:
                mode = "B"
            elif value == 101:
                mode = "A"
            else:
                raise AssertionError(f"unexpected code {value} in set C")
        elif value == 99:
            mode = "C"
        elif mode == "B" and value == 101:
            mode = "A"
        elif mode == "A" and value == 100:
            mode = "B"
        else:
            out.append((_B if mode == "B" else _A)[value])
    return "".join(out)


@pytest.mark.parametrize("data", ["356938035643809", "35693803564380", "F2LXK0ABHG7F",
                                  "R58N12ABCDE", "BM-48213377", "IP12-128-BLK-A", "7", "a b_c",
                                  "99", "990000862471854", "SO100099", "SN12345678X"])
def test_modules_decode_back_to_the_data(data: str) -> None:
    assert decode_code128(code128_modules(data)) == data


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1,
               max_size=40))
def test_any_printable_ascii_round_trips(data: str) -> None:
    assert decode_code128(code128_modules(data)) == data


def test_imei_pattern_shape() -> None:
    modules = code128_modules("356938035643809")
    assert set(modules) == {"0", "1"}
    assert modules.startswith("1") and modules.endswith("1")
    # start + 7 digit pairs + code B + last digit + check, then the 13-module stop
    assert len(modules) == 11 * 11 + 13


def test_empty_or_non_ascii_data_is_refused() -> None:
    with pytest.raises(BarcodeError):
        code128_modules("")
    with pytest.raises(BarcodeError):
        code128_modules("IMEI→123")


def test_svg_is_xml_with_one_rect_per_bar_and_no_text() -> None:
    data = "356938035643809"
    root = ET.fromstring(code128_svg(data))
    ns = "{http://www.w3.org/2000/svg}"
    rects = root.findall(f".//{ns}rect")
    assert len(rects) >= len(bar_runs(code128_modules(data)))
    assert not root.findall(f".//{ns}text")


def test_png_row_reads_back_the_modules_with_quiet_zones() -> None:
    data = "356938035643809"
    image = Image.open(io.BytesIO(code128_png(data, dpi=300, dots_per_module=3))).convert("L")
    assert image.info["dpi"][0] == pytest.approx(300, abs=0.01)
    row = "".join("1" if image.getpixel((x, image.height // 2)) < 128 else "0"
                  for x in range(image.width))
    quiet = QUIET_ZONE_MODULES * 3
    assert row[:quiet] == "0" * quiet and row[-quiet:] == "0" * quiet
    assert row[quiet:-quiet][::3] == code128_modules(data)
    assert row[quiet:-quiet] == "".join(bit * 3 for bit in code128_modules(data))


def test_label_sizes_by_name() -> None:
    assert label_size("2.25x1.25") is THERMAL_2_25x1_25
    assert label_size('4 x 6"') is THERMAL_4x6
    assert label_size("A4") is A4 and label_size("letter") is LETTER
    assert (THERMAL_2_25x1_25.width_pt, THERMAL_2_25x1_25.height_pt) == pytest.approx((162, 90))
    with pytest.raises(KeyError, match="known sizes"):
        label_size("3x2")
