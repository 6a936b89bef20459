"""Reading an inventory CSV file row by row: the header, then (line number, values by column).

The file is streamed (a 100,000-row file is never held whole in memory); a row the CSV reader
cannot read, or one with more values than the header, becomes a problem with its line number.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import IO, Iterable, Iterator

# Spreadsheet formula injection (OWASP "CSV Injection"): the export puts a single quote before a cell
# a spreadsheet would run as a formula; the import takes exactly that quote off again. A value that
# already starts with quotes before such a character gets one more, so the round trip is exact.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_QUOTED_FORMULA = re.compile(r"^'+[=+\-@\t\r]")

Problems = list[tuple[int, str]]


def neutralise_cell(value: str) -> str:
    if value[:1] in FORMULA_START or _QUOTED_FORMULA.match(value):
        return "'" + value
    return value


def restore_cell(value: str) -> str:
    return value[1:] if value[:1] == "'" and _QUOTED_FORMULA.match(value) else value


def _unreadable(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "is not UTF-8 text; nothing after this line was read"
    text = str(exc)
    if "field limit" in text:
        return f"a value is longer than {csv.field_size_limit():,} characters; nothing after this line was read"
    if "NUL" in text:
        return "contains a NUL character"
    return f"not readable as CSV ({text}); nothing after this line was read"


def _without_bom(lines: Iterable[str]) -> Iterator[str]:
    first = True
    for line in lines:
        if first:
            line, first = line.lstrip("\ufeff"), False
        yield line


class CsvSource:
    """A CSV file to read once: a path (opened as UTF-8, BOM allowed), an open text stream, or text."""

    def __init__(self, source: str | Path | IO[str]) -> None:
        self._source = source
        self._handle: IO[str] | None = None

    def lines(self) -> Iterable[str]:
        if isinstance(self._source, Path):
            self._handle = open(self._source, encoding="utf-8-sig", newline="")
            return self._handle
        if isinstance(self._source, str):
            return io.StringIO(self._source, newline="")
        return self._source

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


class RowReader:
    """`header` once read; iterating yields (first line number, {column: value}) for each row."""

    def __init__(self, lines: Iterable[str], problems: Problems) -> None:
        self._reader = csv.reader(_without_bom(lines))
        self._problems = problems
        self.header: list[str] = []
        self.rows_seen = 0
        try:
            self.header = [h.strip().lower() for h in next(self._reader, [])]
        except (csv.Error, UnicodeDecodeError) as exc:
            problems.append((1, _unreadable(exc)))
            self._reader = iter(())

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        reader, header, problems = self._reader, self.header, self._problems
        start = getattr(reader, "line_num", 0) + 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                problems.append((start, _unreadable(exc)))
                return  # the reader cannot find the next row reliably after this
            line, start = start, reader.line_num + 1
            if not values:
                continue  # a blank line
            self.rows_seen += 1
            if len(values) > len(header):
                problems.append((line, f"{len(values)} values for {len(header)} columns (a comma inside a value "
                                       "needs quotes)"))
                continue
            row = dict(zip(header, map(str.strip, values)))
            if "'" in "".join(values):  # rare: undo the export's quote before a formula-like cell
                row = {k: restore_cell(v).strip() for k, v in row.items()}
            row.pop("", None)  # a column without a name
            yield line, row


def read_rows(text: str, problems: Problems) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and every row of `text` (small files, tests)."""
    reader = RowReader(io.StringIO(text, newline=""), problems)
    return reader.header, list(reader)
