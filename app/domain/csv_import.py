"""Inventory CSV import: every row checked first, every bad row reported, then all or nothing.

Columns: imei, manufacturer, model, model_number, network, capacity, color, grade, conditions
(codes separated by ';'), status, warehouse, and optionally sku, cost, serial, imei2.
Writes go through bulk inserts so that 100,000 rows take seconds.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Callable, Iterable

from sqlalchemy import func, insert, select, text, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain import settings
from app.domain.catalog import PRODUCT_FIELDS, condition_key, normalize_sku
from app.domain.changes import Changes
from app.domain.codes import unit_codes
from app.domain.errors import DomainError, InvalidCode
from app.domain.limits import MAX_AMOUNT, column_length
from app.domain.station import Actor, current_actor
from app.models import (Condition, Grade, InventoryStatus, Product, Unit, UnitCode, UnitEvent, Variation,
                        VariationCondition, Warehouse)
from app.models.base import utcnow
from app.domain.permissions import Permission, require
from app.domain.dates import counted

REQUIRED = ("imei", *PRODUCT_FIELDS, "grade", "conditions", "status", "warehouse")
# The columns' sizes (app/models): longer values are bad rows, not a database error at write time.
MAX_LENGTH = {**{f: column_length(getattr(Product, f)) for f in PRODUCT_FIELDS}, "sku": column_length(Variation.sku)}
MAX_COST = MAX_AMOUNT  # Numeric(12, 2)
OPTIONAL = ("sku", "cost", "serial", "imei2")
CHUNK = 500


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


# Spreadsheet formula injection (OWASP "CSV Injection"): the export puts a single quote before a cell
# a spreadsheet would run as a formula; the import takes exactly that quote off again. A value that
# already starts with quotes before such a character gets one more, so the round trip is exact.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_QUOTED_FORMULA = re.compile(r"^'+[=+\-@\t\r]")


def neutralise_cell(value: str) -> str:
    if value[:1] in FORMULA_START or _QUOTED_FORMULA.match(value):
        return "'" + value
    return value


def restore_cell(value: str) -> str:
    return value[1:] if _QUOTED_FORMULA.match(value) else value


def _unreadable(exc: csv.Error) -> str:
    text = str(exc)
    if "field limit" in text:
        return f"a value is longer than {csv.field_size_limit():,} characters; nothing after this line was read"
    if "NUL" in text:
        return "contains a NUL character"
    return f"not readable as CSV ({text}); nothing after this line was read"


def read_rows(text: str, problems: list[tuple[int, str]]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the rows (first line number, values by column). A row with more values than the
    header, or that the CSV reader cannot read, goes into `problems` with its line number."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        problems.append((1, _unreadable(exc)))
        return [], []
    rows: list[tuple[int, dict[str, str]]] = []
    start = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append((start, _unreadable(exc)))
            break  # the reader cannot find the next row reliably after this
        line, start = start, reader.line_num + 1
        if not values:
            continue  # a blank line
        if len(values) > len(header):
            problems.append((line, f"{len(values)} values for {len(header)} columns (a comma inside a value "
                                   "needs quotes)"))
            continue
        rows.append((line, {k: restore_cell(v.strip()).strip() for k, v in zip(header, values) if k}))
    return header, rows


def _parse(session: Session, rows, problems) -> list[_Row]:
    grades = _lookup(session, Grade, Grade.name)
    conditions = {code.upper(): id_ for id_, code in session.execute(select(Condition.id, Condition.code))}
    statuses = _lookup(session, InventoryStatus, InventoryStatus.name)
    warehouses = _lookup(session, Warehouse, Warehouse.name)
    parsed: list[_Row] = []
    for line, raw in rows:
        errors: list[str] = []
        codes: list[tuple[str, str]] = []
        try:
            codes = unit_codes(raw.get("imei"), raw.get("serial"), raw.get("imei2"))
        except InvalidCode as exc:
            errors.append(str(exc))
        if any("\x00" in value for value in raw.values()):
            errors.append("contains a NUL character")
        for name, limit in MAX_LENGTH.items():
            if len(" ".join(raw.get(name, "").split())) > limit:
                errors.append(f"{name} is longer than {limit} characters")
        if not raw.get("imei") and not raw.get("serial"):
            errors.append("no IMEI and no serial")
        if not raw.get("manufacturer") or not raw.get("model"):
            errors.append("manufacturer and model are required")
        grade_id = grades.get(raw.get("grade", "").lower())
        if grade_id is None:
            errors.append(f"unknown grade “{raw.get('grade', '')}”")
        cond_ids = []
        for code in filter(None, (c.strip().upper() for c in raw.get("conditions", "").split(";"))):
            if code in conditions:
                cond_ids.append(conditions[code])
            else:
                errors.append(f"unknown condition “{code}”")
        status_id = statuses.get(raw.get("status", "").lower())
        if status_id is None:
            errors.append(f"unknown status “{raw.get('status', '')}”")
        warehouse_id = warehouses.get(raw.get("warehouse", "").lower())
        if warehouse_id is None:
            errors.append(f"unknown warehouse “{raw.get('warehouse', '')}”")
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
        product = tuple(" ".join(raw.get(f, "").split()) for f in PRODUCT_FIELDS)
        row = _Row(line, codes, product, grade_id, tuple(sorted(set(cond_ids))), status_id, warehouse_id,
                   raw.get("sku") or None, cost)
        row.variation_key = (product, grade_id, condition_key(row.condition_ids))
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
    for chunk in _chunks(list(seen)):
        for code in session.scalars(select(UnitCode.code).where(UnitCode.code.in_(chunk))):
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


def import_inventory(
    session: Session, text: str, *, actor: Actor | None = None, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    """Import a whole file or nothing. Raises CsvImportError listing every bad row."""
    require(session, Permission.CSV)
    actor = actor or current_actor()
    problems: list[tuple[int, str]] = []
    header, rows = read_rows(text, problems)
    twice = sorted({c for c in header if c and header.count(c) > 1})
    if twice:
        raise CsvImportError([(1, f"column “{c}” appears more than once") for c in twice])
    missing = [c for c in REQUIRED if c not in header and not (c == "imei" and "serial" in header)]
    if missing:
        raise CsvImportError([(1, f"missing column(s): {', '.join(missing)}")])
    unknown = [c for c in header if c not in REQUIRED and c not in OPTIONAL]
    if unknown:
        raise CsvImportError([(1, f"unknown column(s): {', '.join(unknown)}")])
    if not rows and not problems:
        raise CsvImportError([(1, "the file has no rows")])
    parsed = _parse(session, rows, problems)
    _check_codes(session, parsed, problems)
    products, variations = _existing_variations(session, {r.variation_key for r in parsed})
    skus = _check_skus(session, parsed, products, variations, problems)
    if problems:
        raise CsvImportError(sorted(problems))
    try:
        return _write(session, parsed, products, variations, skus, actor, progress)
    except IntegrityError:
        raise CsvImportError([(0, "another station received some of these units during the import; run it again")]) from None


def _write(session, parsed, products, variations, skus, actor, progress) -> ImportResult:
    new_products = sorted({r.product for r in parsed} - set(products))
    if new_products:
        session.execute(insert(Product), [dict(zip(PRODUCT_FIELDS, p)) for p in new_products])
        products, _ = _existing_variations(session, {(p, 0, "") for p in {r.product for r in parsed}})
    new_variation_keys = []
    for row in parsed:
        key = (products[row.variation_key[0]], row.grade_id, row.variation_key[2])
        if key not in variations:
            new_variation_keys.append((key, row))
            variations[key] = (0, None)
    if new_variation_keys:
        # No sort_by_parameter_order: on SQLite it makes SQLAlchemy insert row by row and splice the
        # results quadratically. The unique key maps each returned id back to its row instead.
        result = session.execute(
            insert(Variation.__table__).returning(*(Variation.__table__.c[n] for n in ("id", "product_id", "grade_id", "condition_key"))),
            [{"product_id": k[0], "grade_id": k[1], "condition_key": k[2], "sku": None, "sku_norm": None}
             for k, _ in new_variation_keys],
        )
        vid_by_key = {(pid, gid, ck): vid for vid, pid, gid, ck in result}
        links = []
        for key, row in new_variation_keys:
            vid = vid_by_key[key]
            variations[key] = (vid, None)
            links.extend({"variation_id": vid, "condition_id": cid} for cid in row.condition_ids)
        if links:
            session.execute(insert(VariationCondition), links)
    touched: set[int] = set()
    for key, sku in skus.items():
        vid, current = variations[(products[key[0]], key[1], key[2])]
        if normalize_sku(current) != normalize_sku(sku):
            session.execute(Variation.__table__.update().where(Variation.id == vid).values(sku=sku, sku_norm=normalize_sku(sku)))
    now = utcnow()
    unit_rows = []
    for row in parsed:
        vid = variations[(products[row.variation_key[0]], row.grade_id, row.variation_key[2])][0]
        touched.add(vid)
        by_kind = {k: c for c, k in row.codes}
        unit_rows.append({"imei": by_kind.get("imei"), "imei2": by_kind.get("imei2"), "serial": by_kind.get("serial"),
                          "variation_id": vid, "status_id": row.status_id, "warehouse_id": row.warehouse_id,
                          "cost": row.cost, "received_at": now, "updated_at": now})
    unit_ids: list[int] = []
    total = len(unit_rows)
    # PostgreSQL only: the ids come from the units sequence up front, so the units go in as a plain
    # executemany (one prepared statement, pipelined) like the codes and events. INSERT … RETURNING
    # makes SQLAlchemy send 1,000-row statements of 9,000 parameters that psycopg re-parses on the
    # client every time: 187 ms per 1,000 units, half the import. SQLite has no sequences and its
    # RETURNING path is cheap, so it keeps that.
    preset = None
    if session.get_bind().dialect.name == "postgresql":
        preset = list(session.scalars(text("SELECT nextval(pg_get_serial_sequence('units', 'id')) "
                                           "FROM generate_series(1, :n)"), {"n": total}))
    for start in range(0, total, 5000):
        batch = unit_rows[start : start + 5000]
        if preset is not None:
            ids = preset[start : start + 5000]
            session.execute(insert(Unit.__table__), [dict(r, id=uid) for r, uid in zip(batch, ids)])
        else:
            # Codes are unique: map the returned ids back by IMEI/serial (see above on sort_by_parameter_order).
            id_by_code = {imei or serial: uid for uid, imei, serial in
                          session.execute(insert(Unit.__table__).returning(Unit.__table__.c.id, Unit.__table__.c.imei,
                                                                            Unit.__table__.c.serial), batch)}
            ids = [id_by_code[r["imei"] or r["serial"]] for r in batch]
        unit_ids.extend(ids)
        codes = [{"code": c, "unit_id": uid, "kind": k} for row, uid in zip(parsed[start : start + 5000], ids) for c, k in row.codes]
        session.execute(insert(UnitCode), codes)
        session.execute(insert(UnitEvent), [{"unit_id": uid, "at": now, "kind": "received", "detail": "CSV import",
                                             "station": actor.station, "operator": actor.operator} for uid in ids])
        if progress:
            progress(min(start + 5000, total), total)
    session.flush()
    return ImportResult(len(unit_ids), len(new_products), len(new_variation_keys),
                        Changes.of(variations=touched, units=unit_ids, catalog=True, message=f"Imported {counted(len(unit_ids), 'unit')}"))


def count_units(session: Session) -> int:
    return session.scalar(select(func.count(Unit.id))) or 0
