"""The pure wedge decoder: timing rules, cleaning, the repeat guard, and properties."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.scanner.decoder import RepeatGuard, ScannerSettings, WedgeDecoder, clean_code

SETTINGS = ScannerSettings()


def type_burst(decoder: WedgeDecoder, text: str, start: float, gap: float) -> list[str | None]:
    return [decoder.feed(ch, start + i * gap) for i, ch in enumerate(text)]


def test_fast_burst_with_enter_is_a_code() -> None:
    decoder = WedgeDecoder(SETTINGS)
    results = type_burst(decoder, "356938035643809\r", 1000.0, 5.0)
    assert results[:-1] == [None] * 15
    assert results[-1] == "356938035643809"
    assert decoder.pending() == ""


def test_tab_and_newline_also_end_a_scan() -> None:
    decoder = WedgeDecoder(SETTINGS)
    assert type_burst(decoder, "BM-1234\t", 0.0, 3.0)[-1] == "BM-1234"
    assert type_burst(decoder, "BM-5678\n", 500.0, 3.0)[-1] == "BM-5678"


def test_slow_typing_is_never_a_code() -> None:
    decoder = WedgeDecoder(SETTINGS)
    assert type_burst(decoder, "356938035643809\r", 0.0, 120.0) == [None] * 16


def test_slow_gap_resets_the_burst() -> None:
    decoder = WedgeDecoder(SETTINGS)
    type_burst(decoder, "ab", 0.0, 5.0)
    assert decoder.pending() == "ab"
    decoder.feed("c", 500.0)
    assert decoder.pending() == "c"


def test_person_types_then_scanner_fires() -> None:
    decoder = WedgeDecoder(SETTINGS)
    type_burst(decoder, "ipho", 0.0, 150.0)
    assert type_burst(decoder, "ORD-99\r", 2000.0, 4.0)[-1] == "ORD-99"


def test_slow_enter_after_fast_burst_is_not_a_code() -> None:
    decoder = WedgeDecoder(SETTINGS)
    type_burst(decoder, "12345678", 0.0, 4.0)
    assert decoder.feed("\r", 28.0 + 200.0) is None


def test_too_short_burst_is_not_a_code() -> None:
    decoder = WedgeDecoder(SETTINGS)
    assert type_burst(decoder, "abc\r", 0.0, 2.0)[-1] is None


def test_gap_exactly_max_still_counts_as_scanner_speed() -> None:
    decoder = WedgeDecoder(SETTINGS)
    assert type_burst(decoder, "1234\r", 0.0, SETTINGS.max_gap_ms)[-1] == "1234"


def test_backwards_timestamp_starts_a_new_burst() -> None:
    decoder = WedgeDecoder(SETTINGS)
    type_burst(decoder, "1234", 100.0, 2.0)
    decoder.feed("5", 50.0)
    assert decoder.pending() == "5"


def test_auto_terminated_code_is_cleaned() -> None:
    settings = ScannerSettings(prefix="]C1", suffix="#")
    decoder = WedgeDecoder(settings)
    assert type_burst(decoder, "\x02]C1 ORD-42#\x03\r", 0.0, 1.0)[-1] == "ORD-42"


def test_clean_code_strips_prefix_suffix_controls_and_whitespace() -> None:
    assert clean_code("  3569\x1d38035643809 \r\n", SETTINGS) == "356938035643809"
    framed = ScannerSettings(prefix="\x02", suffix="\x03")
    assert clean_code("\x02ORD-7\x03", framed) == "ORD-7"
    aim = ScannerSettings(prefix="]E0")
    assert clean_code("\x02]E0 4006381333931", aim) == "4006381333931"
    assert clean_code("4006381333931", aim) == "4006381333931"
    assert clean_code("\u200bIMEI\u200b", SETTINGS) == "IMEI"


def test_looks_like_scan_and_is_fast_report_the_burst_state() -> None:
    decoder = WedgeDecoder(SETTINGS)
    assert not decoder.is_fast(0.0)
    type_burst(decoder, "123", 0.0, 2.0)
    assert decoder.is_fast(10.0) and not decoder.is_fast(100.0)
    assert not decoder.looks_like_scan()
    decoder.feed("4", 6.0)
    assert decoder.looks_like_scan()
    decoder.reset()
    assert decoder.pending() == "" and not decoder.looks_like_scan()


def test_repeat_guard_ignores_double_trigger_only_within_window() -> None:
    guard = RepeatGuard(800.0)
    assert guard.accept("356938035643809", 1000.0)
    assert not guard.accept("356938035643809", 1500.0)
    assert guard.accept("ORD-1", 1600.0)
    assert guard.accept("356938035643809", 1700.0)
    assert guard.accept("356938035643809", 2600.0)
    guard.reset()
    assert guard.accept("356938035643809", 2601.0)


def test_repeat_guard_window_counts_from_last_accepted_scan() -> None:
    guard = RepeatGuard(800.0)
    assert guard.accept("A1", 0.0)
    assert not guard.accept("A1", 700.0)
    assert guard.accept("A1", 850.0)


# --- properties ----------------------------------------------------------------------------

code_text = st.text(
    alphabet=st.characters(categories=("Lu", "Ll", "Nd", "Pd")), min_size=SETTINGS.min_length
)
fast_gap = st.floats(min_value=0.0, max_value=SETTINGS.max_gap_ms)
slow_gap = st.floats(min_value=SETTINGS.max_gap_ms + 0.001, max_value=1e6)


@given(
    code=code_text,
    gaps=st.lists(fast_gap, min_size=80, max_size=80),
    noise=st.text(max_size=10),
    lead_in=slow_gap,
    start=st.floats(min_value=0.0, max_value=1e9),
    terminator=st.sampled_from(SETTINGS.terminators),
)
def test_scanner_speed_code_is_returned_exactly_once(
    code: str, gaps: list[float], noise: str, lead_in: float, start: float, terminator: str
) -> None:
    decoder = WedgeDecoder(SETTINGS)
    now = start
    results = []
    for ch in noise:  # a person typing slowly beforehand never produces a code
        now += 200.0
        results.append(decoder.feed(ch, now))
    now += lead_in
    for i, ch in enumerate(code + terminator):
        now += gaps[i % len(gaps)] if i else 0.0
        results.append(decoder.feed(ch, now))
    results.append(decoder.feed(terminator, now + 1.0))  # a stray second Enter
    assert [r for r in results if r is not None] == [code]


@given(
    stream=st.text(),
    gaps=st.lists(st.floats(min_value=0.0, max_value=1e4), min_size=1),
    final_gap=slow_gap,
    terminator=st.sampled_from(SETTINGS.terminators),
)
def test_slow_gap_before_terminator_never_yields_a_code(
    stream: str, gaps: list[float], final_gap: float, terminator: str
) -> None:
    decoder = WedgeDecoder(SETTINGS)
    now = 0.0
    for i, ch in enumerate(stream):
        now += gaps[i % len(gaps)]
        decoder.feed(ch, now)
    assert decoder.feed(terminator, now + final_gap) is None


settings_strategy = st.builds(
    ScannerSettings,
    max_gap_ms=st.floats(allow_nan=True, allow_infinity=True),
    min_length=st.integers(min_value=-5, max_value=50),
    prefix=st.text(max_size=4),
    suffix=st.text(max_size=4),
    repeat_window_ms=st.floats(allow_nan=True, allow_infinity=True),
)


@given(
    settings=settings_strategy,
    events=st.lists(st.tuples(st.text(max_size=3), st.floats(allow_nan=True, allow_infinity=True))),
)
def test_decoder_never_raises_on_arbitrary_input(
    settings: ScannerSettings, events: list[tuple[str, float]]
) -> None:
    decoder = WedgeDecoder(settings)
    guard = RepeatGuard(settings.repeat_window_ms)
    for text, timestamp in events:
        code = decoder.feed(text, timestamp)
        if code is not None:
            assert code == code.strip() and code
            guard.accept(code, timestamp)
        decoder.pending()
        decoder.looks_like_scan()


@given(raw=st.text(), settings=settings_strategy)
def test_clean_code_leaves_no_controls_or_edge_whitespace(raw: str, settings: ScannerSettings) -> None:
    code = clean_code(raw, settings)
    assert code == code.strip()
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in code)
