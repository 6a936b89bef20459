"""import-inventory, export-inventory, catalog, unit (and its corrections), return, move"""

from __future__ import annotations

import sys
from pathlib import Path

from app.cli import CliError
from app.cli.common import database, print_json, publish
from app.domain import inventory, returns, unit_corrections
from app.domain.catalog_view import catalog_rows
from app.db import sqlite_path
from app.domain.csv_export import export_inventory, export_inventory_file
from app.domain.csv_import import CsvImportError, import_csv
from app.domain.dates import counted


def register(sub) -> None:
    p = sub.add_parser("import-inventory", help="import units from a CSV file (all rows or none)")
    p.add_argument("file")
    p.set_defaults(handler=cmd_import)
    p = sub.add_parser("export-inventory", help="write every unit to a CSV file")
    p.add_argument("file", help="path, or - for standard output")
    p.set_defaults(handler=cmd_export)
    p = sub.add_parser("catalog", help="variations with their units by status")
    p.add_argument("--json", action="store_true", help="JSON (the default output)")
    p.set_defaults(handler=cmd_catalog)
    p = sub.add_parser("unit", help="a unit with its whole history; --set corrects it")
    p.add_argument("code", help="IMEI or serial")
    p.add_argument("--json", action="store_true")
    p.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", dest="corrections",
                   help="correct the unit first (repeat): grade=B, conditions=CG;SC (or none), "
                        "product=FULL NAME, cost=199.50 (empty clears it), warehouse=W")
    p.set_defaults(handler=cmd_unit)
    p = sub.add_parser("return", help="take a shipped unit back")
    p.add_argument("code")
    p.add_argument("--status", required=True)
    p.add_argument("--warehouse", required=True)
    p.add_argument("--grade")
    p.add_argument("--conditions", help="damage codes separated by ';' (replaces the unit's)")
    p.set_defaults(handler=cmd_return)
    p = sub.add_parser("move", help="move a unit to another status and/or warehouse")
    p.add_argument("code")
    p.add_argument("--status")
    p.add_argument("--warehouse")
    p.set_defaults(handler=cmd_move)


def cmd_import(args) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"no such file: {path}")
    db = database(args)
    try:
        # Streamed and checked without the write lock, then written in short transactions: the
        # packing stations keep scanning while it runs. Ctrl+C cancels it with nothing imported.
        result = import_csv(db, path)
    except CsvImportError as exc:
        print(f"refurbdesk: {counted(len(exc.problems), 'bad row')} in {path.name}; nothing was imported:", file=sys.stderr)
        for line, message in exc.problems:
            print(f"  line {line}: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        raise CliError("import interrupted; nothing was imported") from None
    publish(result.changes)
    print(f"Imported {counted(result.units, 'unit')} ({counted(result.new_products, 'new product')}, "
          f"{counted(result.new_variations, 'new variation')}).")
    return 0


def cmd_export(args) -> int:
    db = database(args)
    with db.reads() as s:
        if args.file == "-":
            n = export_inventory(s, sys.stdout)
        else:
            # Refuses the open database or any SQLite file; written atomically (temp file + rename).
            n = export_inventory_file(s, args.file, database_file=sqlite_path(db.url))
    if args.file != "-":
        print(f"Exported {n} units to {args.file}.")
    return 0


def cmd_catalog(args) -> int:
    db = database(args)
    with db.reads() as s:
        print_json(catalog_rows(s))
    return 0


def cmd_unit(args) -> int:
    db = database(args)
    if args.corrections:
        correction = unit_corrections.parse_settings(args.corrections)  # refused before anything is written
        with db.sessions.begin() as s:
            changes = unit_corrections.correct_unit(s, args.code, correction)
        publish(changes)
        if not args.json:
            print(changes.message)
    with db.reads() as s:
        report = returns.unit_report(s, args.code)
    if args.json:
        print_json(report)
        return 0
    print(f"{report['imei'] or report['serial']}  {report['product']}  grade {report['grade']}  "
          f"{report['status']} @ {report['warehouse']}")
    for o in report["orders"]:
        print(f"  order {o['number']} ({o['channel']}, {o['customer']}) committed {o['committed_at']}"
              + (f", shipped {o['shipped_at']} tracking {o['tracking_number']}" if o["shipped_at"] else ""))
    for e in report["history"]:
        print(f"  {e['at']}  {e['event']:<11} {e['detail']}  [{e['station']} {e['operator']}]")
    return 0


def cmd_return(args) -> int:
    db = database(args)
    conditions = None if args.conditions is None else [c for c in args.conditions.split(";") if c.strip()]
    with db.sessions.begin() as s:
        changes = returns.receive_return(s, args.code, status=args.status, warehouse=args.warehouse,
                                         grade=args.grade, conditions=conditions)
    publish(changes)
    print(changes.message or f"Returned {args.code}")
    return 0


def cmd_move(args) -> int:
    db = database(args)
    with db.sessions.begin() as s:
        changes = inventory.move_unit(s, args.code, status=args.status, warehouse=args.warehouse)
    publish(changes)
    print(changes.message)
    return 0
