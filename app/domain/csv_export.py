"""Inventory CSV export: every unit — sold and returned ones included — with its status.

Cells a spreadsheet would run as formulas are neutralised (a leading single quote, which the import
takes off again). A file is written atomically: a temporary file beside it, then a rename, so a failed
export leaves the previous file as it was — and a database file is never overwritten.
"""

from __future__ import annotations

import csv
import os
import stat
import tempfile
from pathlib import Path
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.catalog import PRODUCT_FIELDS, condition_codes
from app.domain.csv_import import OPTIONAL, REQUIRED, neutralise_cell
from app.domain.errors import InvalidInput
from app.models import Grade, InventoryStatus, Product, Unit, Variation, Warehouse
from app.domain.permissions import Permission, allowed, require

COLUMNS = (*REQUIRED, *OPTIONAL)
SQLITE_HEADER = b"SQLite format 3\x00"
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def export_inventory(session: Session, out: TextIO) -> int:
    """Write the CSV the importer reads back; returns the number of units written."""
    require(session, Permission.CSV)
    costs = allowed(session, Permission.VIEW_COSTS)  # the column stays, empty for a role that may not see costs
    codes = condition_codes(session)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    stmt = (
        select(Unit.imei, *[getattr(Product, f) for f in PRODUCT_FIELDS], Grade.name, Unit.variation_id,
               InventoryStatus.name, Warehouse.name, Variation.sku, Unit.cost, Unit.serial, Unit.imei2)
        .join(Variation, Variation.id == Unit.variation_id)
        .join(Product, Product.id == Variation.product_id)
        .join(Grade, Grade.id == Variation.grade_id)
        .join(InventoryStatus, InventoryStatus.id == Unit.status_id)
        .join(Warehouse, Warehouse.id == Unit.warehouse_id)
        .order_by(Unit.id)
        .execution_options(yield_per=5000)
    )
    count = 0
    for row in session.execute(stmt):
        imei, *product, grade, vid, status, warehouse, sku, cost, serial, imei2 = row
        cells = [imei or "", *product, grade, ";".join(sorted(codes.get(vid, []))), status, warehouse,
                 sku or "", "" if cost is None or not costs else str(cost), serial or "", imei2 or ""]
        writer.writerow([neutralise_cell(c) for c in cells])
        count += 1
    return count


def check_export_target(path: Path, database_file: Path | None = None) -> None:
    """Refuse to write over the open database (or its WAL), any SQLite file, or a folder."""
    target = path.resolve()
    if database_file is not None:
        db = database_file.resolve()
        if target == db or target.name in {db.name + suffix for suffix in SQLITE_COMPANIONS} and target.parent == db.parent:
            raise InvalidInput(f"{path} is the open database (or part of it): choose another file name for the export.")
    if target.is_dir():
        raise InvalidInput(f"{path} is a folder: give a file name for the export.")
    if target.is_file():
        try:
            with open(target, "rb") as existing:
                head = existing.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise InvalidInput(f"{path} cannot be read to check it is safe to replace ({exc.strerror}).") from None
        if head == SQLITE_HEADER:
            raise InvalidInput(f"{path} is a database file (SQLite), not a CSV: choose another file name for the export.")


def export_inventory_file(session: Session, path: str | os.PathLike, *, database_file: Path | None = None) -> int:
    """Export to `path` atomically: written to a temporary file in the same folder, then renamed over it."""
    target = Path(path)
    check_export_target(target, database_file)
    folder = target.resolve().parent
    if not folder.is_dir():
        raise InvalidInput(f"The folder {folder} does not exist.")
    # mkstemp makes the file private (0600): give it the mode of the file it replaces, or an ordinary one.
    mode = stat.S_IMODE(target.stat().st_mode) if target.is_file() else 0o644
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InvalidInput(f"Cannot write the export in {folder}: {exc.strerror}.") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            count = export_inventory(session, out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, target)
    except BaseException as exc:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise InvalidInput(f"The export to {path} failed ({exc.strerror or exc}); the file was left as it was.") from None
        raise
    return count
