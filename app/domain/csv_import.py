"""Inventory CSV import: every row checked first, every bad row reported, then all or nothing.

Columns: imei, manufacturer, model, model_number, network, capacity, color, grade, conditions
(codes separated by ';'), status, warehouse, and optionally sku, cost, serial, imei2.

`import_csv(db, file)` is what the screens and the command line run: the file is streamed and
checked in a read transaction (no write lock while 100,000 rows are parsed), then written in short
transactions (csv_write) so that scans at every station go on while it runs; a CancelToken stops it
with nothing imported. `import_inventory(session, text)` does the same inside the caller's one
transaction (tests, demo and bench data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Callable, Iterable

from sqlalchemy import func, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain import csv_check_apart, csv_write, settings
from app.domain.cancel import Cancelled, CancelToken
from app.domain.catalog import PRODUCT_FIELDS, condition_key, normalize_sku
from app.domain.changes import Changes
from app.domain.codes import unit_codes
from app.domain.csv_rows import (FORMULA_START, CsvSource, RowReader, neutralise_cell, read_rows,  # noqa: F401
                                 restore_cell)
from app.domain.errors import DomainError, InvalidCode
from app.domain.limits import MAX_AMOUNT, column_length
from app.domain.permissions import Permission, require
from app.domain.station import Actor, current_actor
from app.models import (Condition, Grade, InventoryStatus, Product, Unit, UnitCode, Variation, Warehouse)
from app.models.base import utcnow
from app.domain.dates import counted
from app.threads import collector_paused

REQUIRED = ("imei", *PRODUCT_FIELDS, "grade", "conditions", "status", "warehouse")
# The columns' sizes (app/models): longer values are bad rows, not a database error at write time.
MAX_LENGTH = {**{f: column_length(getattr(Product, f)) for f in PRODUCT_FIELDS}, "sku": column_length(Variation.sku)}
MAX_COST = MAX_AMOUNT  # Numeric(12, 2)
OPTIONAL = ("sku", "cost", "serial", "imei2")
CHUNK = 500
CANCELLED = "Import cancelled; nothing was imported."
RACED = "another station received some of these units during the import; run it again"
Source = str | Path | IO[str]


class CsvImportError(DomainError):
    """The file was refused; `problems` lists (line number, message), nothing was imported."""

    reason = "bad_csv"

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        shown = "; ".join(f"line {n}: {m}" for n, m in problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(f"{counted(len(problems), 'bad row')}, nothing imported — {shown}{more}")


@dataclass
class _Row:
    line: int
    codes: list[tuple[str, str]]  # (code, kind)
    product: tuple[str, ...]
    grade_id: int
    condition_ids: tuple[int, ...]
    status_id: int
    warehouse_id: int
    sku: str | None
    cost: Decimal | None
    variation_key: tuple = field(default=())


@dataclass
class ImportPlan:
    """A checked file: its rows and what the catalog already holds for them."""

    rows: list[_Row]
    products: dict[tuple, int]
    variations: dict[tuple, tuple[int, str | None]]
    skus: dict[tuple, str]
    new_products: int = 0
    new_variations: int = 0

    def key_of(self, row: _Row) -> tuple:
        return (self.products[row.variation_key[0]], row.grade_id, row.variation_key[2])

    @cached_property
    def by_variation(self) -> dict[tuple, _Row]:
        """The first row of each variation the file names, by (product, grade, condition key).
        A pass over every row, kept: read it before a write transaction, not inside one."""
        found: dict[tuple, _Row] = {}
        for row in self.rows:
            found.setdefault(row.variation_key, row)
        return found


@dataclass(frozen=True)
class ImportResult:
    units: int
    new_products: int
    new_variations: int
    changes: Changes


def _lookup(session: Session, model, column) -> dict[str, int]:
    return {name.lower(): id_ for id_, name in session.execute(select(model.id, column))}


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _spellings(ids_by_lower: dict[str, int]) -> Callable[[str], int | None]:
    seen: dict[str, int | None] = {}

    def id_of(written: str) -> int | None:
        try:
            return seen[written]
        except KeyError:
            found = seen[written] = ids_by_lower.get(written.lower())
            return found

    return id_of


def _parse(session: Session, rows, problems, cancel: CancelToken) -> list[_Row]:
    grades = _lookup(session, Grade, Grade.name)
    conditions = {code.upper(): id_ for id_, code in session.execute(select(Condition.id, Condition.code))}
    statuses = _lookup(session, InventoryStatus, InventoryStatus.name)
    warehouses = _lookup(session, Warehouse, Warehouse.name)
    # A stock file repeats a few hundred products and condition sets over 100,000 rows: each is
    # worked out once.
    product_of: dict[tuple, tuple[str, ...]] = {}
    conditions_of: dict[str, tuple[tuple[int, ...], list[str], str]] = {}
    parsed: list[_Row] = []
    limits = list(MAX_LENGTH.items())
    shortest = min(MAX_LENGTH.values())
    # The same few spellings of a grade, status or warehouse come back on every row.
    grade_of, status_of, warehouse_of = _spellings(grades), _spellings(statuses), _spellings(warehouses)
    for n, (line, raw) in enumerate(rows):
        if n % 2000 == 0:
            cancel.check(CANCELLED)
        get = raw.get
        errors: list[str] = []
        codes: list[tuple[str, str]] = []
        imei, serial = get("imei"), get("serial")
        try:
            codes = unit_codes(imei, serial, get("imei2"))
        except InvalidCode as exc:
            errors.append(str(exc))
        values = raw.values()
        if "\x00" in "".join(values):
            errors.append("contains a NUL character")
        if max(map(len, values), default=0) > shortest:
            for name, limit in limits:
                value = get(name, "")
                if len(value) > limit and len(" ".join(value.split())) > limit:
                    errors.append(f"{name} is longer than {limit} characters")
        if not imei and not serial:
            errors.append("no IMEI and no serial")
        if not get("manufacturer") or not get("model"):
            errors.append("manufacturer and model are required")
        grade_id = grade_of(get("grade", ""))
        if grade_id is None:
            errors.append(f"unknown grade “{get('grade', '')}”")
        written = get("conditions", "")
        known = conditions_of.get(written)
        if known is None:
            cond_ids, unknown = [], []
            for code in filter(None, (c.strip().upper() for c in written.split(";"))):
                if code in conditions:
                    cond_ids.append(conditions[code])
                else:
                    unknown.append(f"unknown condition “{code}”")
            ids = tuple(sorted(set(cond_ids)))
            known = conditions_of[written] = (ids, unknown, condition_key(ids))
        if known[1]:
            errors.extend(known[1])
        status_id = status_of(get("status", ""))
        if status_id is None:
            errors.append(f"unknown status “{get('status', '')}”")
        warehouse_id = warehouse_of(get("warehouse", ""))
        if warehouse_id is None:
            errors.append(f"unknown warehouse “{get('warehouse', '')}”")
        cost = None
        if raw.get("cost"):
            try:
                cost = Decimal(raw["cost"])
                if not cost.is_finite() or cost < 0 or cost > MAX_COST:
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                errors.append(f"cost “{raw['cost']}” is not an amount")
        if errors:
            problems.append((line, "; ".join(errors)))
            continue
        written_product = (get("manufacturer", ""), get("model", ""), get("model_number", ""), get("network", ""),
                           get("capacity", ""), get("color", ""))
        product = product_of.get(written_product)
        if product is None:
            product = product_of[written_product] = tuple(" ".join(v.split()) for v in written_product)
        row = _Row(line, codes, product, grade_id, known[0], status_id, warehouse_id, get("sku") or None, cost)
        row.variation_key = (product, grade_id, known[2])
        parsed.append(row)
    return parsed


def _check_codes(session: Session, parsed: list[_Row], problems) -> None:
    seen: dict[str, int] = {}
    for row in parsed:
        for code, _ in row.codes:
            if code in seen:
                problems.append((row.line, f"{code} is also on line {seen[code]}"))
            else:
                seen[code] = row.line
    # Plain statements: SQLAlchemy's expanding IN cost more than the look-ups themselves here.
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    for chunk in _chunks(list(seen), 900):
        found = conn.exec_driver_sql(f"SELECT code FROM unit_codes WHERE code IN ({', '.join([mark] * len(chunk))})",
                                     tuple(chunk))
        for (code,) in found:
            problems.append((seen[code], f"{code} was already received"))


def _existing_variations(session: Session, keys: set[tuple]) -> tuple[dict[tuple, int], dict[tuple, tuple[int, str | None]]]:
    products: dict[tuple, int] = {}
    wanted = sorted({k[0] for k in keys})
    cols = [getattr(Product, f) for f in PRODUCT_FIELDS]
    for chunk in _chunks(wanted, 150):
        for row in session.execute(select(Product.id, *cols).where(tuple_(*cols).in_(chunk))):
            products[tuple(row[1:])] = row[0]
    variations: dict[tuple, tuple[int, str | None]] = {}
    by_product = sorted(set(products.values()))
    for chunk in _chunks(by_product):
        for vid, pid, gid, ck, sku in session.execute(
            select(Variation.id, Variation.product_id, Variation.grade_id, Variation.condition_key, Variation.sku)
            .where(Variation.product_id.in_(chunk))
        ):
            variations[(pid, gid, ck)] = (vid, sku)
    return products, variations


def _check_skus(session: Session, parsed: list[_Row], products, variations, problems) -> dict[tuple, str]:
    """SKU per variation key, refusing clashes when SKUs must be unique."""
    unique = settings.get(session, "catalog.sku_unique")
    chosen: dict[tuple, tuple[str, int]] = {}
    owner: dict[str, tuple[tuple, int]] = {}
    for row in parsed:
        if not row.sku:
            continue
        key = row.variation_key
        existing = variations.get((products.get(key[0]), key[1], key[2]))
        if key in chosen and normalize_sku(chosen[key][0]) != normalize_sku(row.sku):
            problems.append((row.line, f"SKU “{row.sku}” differs from “{chosen[key][0]}” on line {chosen[key][1]} for the same variation"))
            continue
        if existing and existing[1] and normalize_sku(existing[1]) != normalize_sku(row.sku):
            problems.append((row.line, f"this variation already carries SKU “{existing[1]}”, not “{row.sku}”"))
            continue
        chosen.setdefault(key, (row.sku, row.line))
        norm = normalize_sku(row.sku)
        if unique and norm in owner and owner[norm][0] != key:
            problems.append((row.line, f"SKU “{row.sku}” is also given to another variation on line {owner[norm][1]}, and SKUs must be unique"))
        owner.setdefault(norm, (key, row.line))
    if unique and owner:
        for chunk in _chunks(sorted(owner)):
            for vid, pid, gid, ck, sku_norm in session.execute(
                select(Variation.id, Variation.product_id, Variation.grade_id, Variation.condition_key, Variation.sku_norm)
                .where(Variation.sku_norm.in_(chunk))
            ):
                key, line = owner[sku_norm]
                if (products.get(key[0]), key[1], key[2]) != (pid, gid, ck):
                    problems.append((line, f"SKU “{sku_norm}” is already used by variation {vid}, and SKUs must be unique"))
    return {key: sku for key, (sku, _) in chosen.items()}


def _check_header(header: list[str]) -> None:
    twice = sorted({c for c in header if c and header.count(c) > 1})
    if twice:
        raise CsvImportError([(1, f"column “{c}” appears more than once") for c in twice])
    missing = [c for c in REQUIRED if c not in header and not (c == "imei" and "serial" in header)]
    if missing:
        raise CsvImportError([(1, f"missing column(s): {', '.join(missing)}")])
    unknown = [c for c in header if c not in REQUIRED and c not in OPTIONAL]
    if unknown:
        raise CsvImportError([(1, f"unknown column(s): {', '.join(unknown)}")])


def check_file(session: Session, source: Source, cancel: CancelToken | None = None) -> ImportPlan:
    """Read and check every row (reads only); raises CsvImportError listing every bad row."""
    require(session, Permission.CSV)
    return check_rows(session, source, cancel or CancelToken())


def check_rows(session: Session, source: Source, cancel: CancelToken) -> ImportPlan:
    """check_file without the permission check (the caller made it; csv_check_apart's child)."""
    problems: list[tuple[int, str]] = []
    opened = CsvSource(source)
    try:
        reader = RowReader(opened.lines(), problems)
        if reader.header:
            _check_header(reader.header)
        parsed = _parse(session, reader, problems, cancel)
    except OSError as exc:
        raise CsvImportError([(0, f"cannot read the file: {exc}")]) from None
    finally:
        opened.close()
    if not reader.header and not problems:
        raise CsvImportError([(1, "missing column(s): " + ", ".join(REQUIRED))])
    if not reader.rows_seen and not problems:
        raise CsvImportError([(1, "the file has no rows")])
    _check_codes(session, parsed, problems)
    products, variations = _existing_variations(session, {r.variation_key for r in parsed})
    skus = _check_skus(session, parsed, products, variations, problems)
    if problems:
        raise CsvImportError(sorted(problems))
    return ImportPlan(parsed, products, variations, skus)


def _result(plan: ImportPlan, unit_ids: list[int]) -> ImportResult:
    touched = {plan.variations[plan.key_of(r)][0] for r in plan.rows}
    return ImportResult(len(unit_ids), plan.new_products, plan.new_variations,
                        Changes.of(variations=touched, units=unit_ids, catalog=True,
                                   message=f"Imported {counted(len(unit_ids), 'unit')}"))


def import_inventory(session: Session, source: Source, *, actor: Actor | None = None,
                     progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Check and write a whole file in the caller's transaction, or nothing. Raises CsvImportError."""
    actor = actor or current_actor()
    plan = check_file(session, source)
    try:
        csv_write.write_catalog(session, plan, csv_write.Written())
        now = utcnow()
        if session.get_bind().dialect.name == "postgresql":
            ids = csv_write.copy_units(session, plan, now, actor, progress, CancelToken(), CANCELLED)
        else:
            ids = []
            for start in range(0, len(plan.rows), 5000):
                ids += csv_write.write_units(session, plan, plan.rows[start : start + 5000], now, actor)
                if progress:
                    progress(len(ids), len(plan.rows))
        csv_write.write_skus(session, plan)
        session.flush()
    except IntegrityError:
        raise CsvImportError([(0, RACED)]) from None
    return _result(plan, ids)


def import_csv(db, source: Source, *, actor: Actor | None = None, progress: Callable[[int, int], None] | None = None,
               cancel: CancelToken | None = None, check_apart: bool = False) -> ImportResult:
    """Import a file (a path, an open text stream or text) all or nothing, without holding up scans.

    Checked in a read transaction (with `check_apart`, a big file is checked in a child process, and
    on PostgreSQL written there too: the window's scans keep the interpreter, csv_check_apart); written in short transactions on
    SQLite (removed again if a later one fails or `cancel` is set), in one COPY transaction on
    PostgreSQL. Raises CsvImportError listing every bad row, or Cancelled; either way nothing is
    imported.
    """
    with collector_paused():  # 100,000 rows of objects, none of them garbage (app/threads.py)
        return _import_csv(db, source, actor or current_actor(), progress, cancel or CancelToken(), check_apart)


def _import_csv(db, source: Source, actor: Actor, progress, cancel: CancelToken, check_apart: bool) -> ImportResult:
    apart = check_apart and csv_check_apart.worth_checking_apart(source)
    with db.reads() as session:
        require(session, Permission.CSV)
        if not apart:
            plan = check_rows(session, source, cancel)
    if apart and not db.is_sqlite:
        # PostgreSQL: one COPY transaction that scans never wait for, so the child writes it too
        # (SQLite's steps stay here, where this process's scans are seen waiting between them).
        return csv_check_apart.import_apart(db.url, source, actor, progress, cancel, CANCELLED)
    if apart:
        plan = csv_check_apart.check_apart(db.url, source, cancel, CANCELLED)
    cancel.check(CANCELLED)
    return write_plan(db, plan, actor, progress, cancel)


def write_plan(db, plan: ImportPlan, actor: Actor, progress, cancel: CancelToken) -> ImportResult:
    """Write a checked file: one COPY transaction on PostgreSQL, short steps on SQLite (undone again
    if a later step fails or `cancel` is set)."""
    now = utcnow()
    if not db.is_sqlite:
        try:
            with db.sessions.begin() as session:
                csv_write.write_catalog(session, plan, csv_write.Written())
                ids = csv_write.copy_units(session, plan, now, actor, progress, cancel, CANCELLED)
                csv_write.write_skus(session, plan)
        except IntegrityError:
            raise CsvImportError([(0, RACED)]) from None
        return _result(plan, ids)
    written = csv_write.Written()
    try:
        csv_write.write_in_steps(db, plan, now, actor, progress, cancel, CANCELLED, written)
    except BaseException as exc:
        kept = csv_write.undo(db, written)
        if kept:
            raise CsvImportError([(0, f"{counted(len(kept), 'unit')} of this file {'was' if len(kept) == 1 else 'were'} committed to an order at another "
                                      "station while it was being imported and were kept; everything else was "
                                      "removed")]) from None
        if isinstance(exc, IntegrityError):
            raise CsvImportError([(0, RACED)]) from None
        raise
    return _result(plan, written.unit_ids)


def count_units(session: Session) -> int:
    return session.scalar(select(func.count(Unit.id))) or 0
