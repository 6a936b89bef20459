"""vendor add/edit · po create/place/manifest/receive/show/list/landed-cost/close/cancel · import-diagnostics"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

from app.cli import CliError
from app.cli.common import database, print_json, publish
from app.cli.purchasing_json import plain
from app.domain.csv_import import CsvImportError
from app.domain.errors import DomainError
from app.domain.dates import counted


APPROVER_PIN_ENV = "REFURBDESK_APPROVER_PIN"


def register(sub) -> None:
    p = sub.add_parser("vendor", help="vendors lots are bought from")
    vsub = p.add_subparsers(dest="vendor_what", required=True)
    q = vsub.add_parser("add", help="add a vendor")
    q.add_argument("name")
    q.add_argument("--contact", default="")
    q.set_defaults(handler=cmd_vendor_add)
    q = vsub.add_parser("edit", help="rename a vendor or change its contact (a manager)")
    q.add_argument("name")
    q.add_argument("--name", dest="new_name", metavar="NEW", help="the vendor's new name")
    q.add_argument("--contact", metavar="TEXT", help="the new contact ('' clears it)")
    q.set_defaults(handler=cmd_vendor_edit)
    q = vsub.add_parser("list", help="every vendor")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_vendor_list)

    p = sub.add_parser("po", help="purchase orders: create, manifest, receive, show, close")
    psub = p.add_subparsers(dest="po_what", required=True)
    q = psub.add_parser("create", help="a draft PO; prints its number")
    q.add_argument("--vendor", required=True)
    q.add_argument("--ref", default="", help="the vendor's reference")
    q.add_argument("--expected", metavar="YYYY-MM-DD", help="expected delivery date")
    q.add_argument("--line", action="append", required=True,
                   help="manufacturer=…,model=…,capacity=…,color=…,qty=N,cost=X (also model_number, network, grade)")
    q.set_defaults(handler=cmd_po_create)
    for name, helptext, handler in (("place", "draft → placed", cmd_po_place), ("close", "close a received PO", cmd_po_close),
                                    ("cancel", "cancel a PO nothing was received on", cmd_po_cancel)):
        q = psub.add_parser(name, help=helptext)
        q.add_argument("po")
        q.set_defaults(handler=handler)
    q = psub.add_parser("manifest", help="attach the vendor's IMEI list (CSV) to a PO")
    q.add_argument("po")
    q.add_argument("file")
    q.set_defaults(handler=cmd_po_manifest)
    q = psub.add_parser("receive", help="receive units onto a PO by IMEI/serial")
    q.add_argument("po")
    src = q.add_mutually_exclusive_group(required=True)
    src.add_argument("--scan", action="append", metavar="CODE")
    src.add_argument("--csv", metavar="FILE", help="a CSV with an imei or serial column")
    q.add_argument("--allow-unexpected", action="store_true", help="accept codes not on the manifest (flagged)")
    q.add_argument("--line", type=int, metavar="N", help="put the units on line N (as `po show` numbers them)")
    q.add_argument("--warehouse")
    q.add_argument("--approved-by", metavar="NAME", help="a manager approves this one over-receipt; their PIN is "
                   f"read from stdin or {APPROVER_PIN_ENV}")
    q.set_defaults(handler=cmd_po_receive)
    q = psub.add_parser("show", help="a PO with received vs expected per line")
    q.add_argument("po")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_po_show)
    q = psub.add_parser("list", help="every PO with received vs expected")
    q.add_argument("--open", action="store_true", help="only POs not closed or cancelled")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_po_list)
    q = psub.add_parser("landed-cost", help="spread freight/fees over a PO's received units")
    q.add_argument("po")
    q.add_argument("--amount", required=True)
    q.add_argument("--by", choices=("equal", "cost"), default="equal")
    q.add_argument("--description", default="")
    q.set_defaults(handler=cmd_po_landed)

    p = sub.add_parser("import-diagnostics", help="grade units from a diagnostics CSV (all rows or none)")
    p.add_argument("file")
    p.add_argument("--pass-status", default="Available")
    p.add_argument("--fail-status", default="Repair")
    p.add_argument("--map", action="append", default=[], metavar="COLUMN=HEADER",
                   help="read our COLUMN from the file's HEADER (e.g. imei='IMEI/MEID')")
    p.set_defaults(handler=cmd_import_diagnostics)


def read_text(name: str) -> str:
    path = Path(name)
    if not path.is_file():
        raise CliError(f"no such file: {path}")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CliError(f"{path} is not UTF-8 text") from None


def print_bad_rows(exc: CsvImportError, name: str) -> int:
    print(f"refurbdesk: {counted(len(exc.problems), 'bad row')} in {Path(name).name}; nothing was imported:", file=sys.stderr)
    for line, message in exc.problems:
        print(f"  line {line}: {message}", file=sys.stderr)
    return 1


def cmd_vendor_add(args) -> int:
    from app.domain.purchasing import vendors

    db = database(args)
    with db.sessions.begin() as s:
        info, _ = vendors.add_vendor(s, args.name, args.contact)
    print(f"Vendor {info.name}")
    return 0


def cmd_vendor_edit(args) -> int:
    from app.domain.purchasing import vendors

    db = database(args)
    with db.sessions.begin() as s:
        info, changes = vendors.update_vendor(s, args.name, new_name=args.new_name, contact=args.contact)
    publish(changes)
    print(f"Vendor {info.name}" + (f"  ({info.contact})" if info.contact else ""))
    return 0


def cmd_vendor_list(args) -> int:
    from app.domain.purchasing import vendors

    db = database(args)
    with db.reads() as s:
        rows = vendors.list_vendors(s)
    if args.json:
        print_json(plain(rows))
    else:
        for v in rows:
            print(v.name + (f"  ({v.contact})" if v.contact else ""))
    return 0


def cmd_po_create(args) -> int:
    from app.domain.purchasing import orders

    lines = [orders.parse_line(text) for text in args.line]
    expected = None
    if args.expected:
        try:
            expected = date.fromisoformat(args.expected)
        except ValueError:
            raise CliError(f"--expected is a date such as 2026-12-24, not “{args.expected}”") from None
    db = database(args)
    with db.sessions.begin() as s:
        created = orders.create_po(s, args.vendor, lines, reference_text=args.ref, expected_date=expected)
    print(created.number)
    return 0


def _simple(args, function) -> int:
    db = database(args)
    with db.sessions.begin() as s:
        changes = function(s, args.po)
    print(changes.message)
    return 0


def cmd_po_place(args) -> int:
    from app.domain.purchasing import orders

    return _simple(args, orders.place_po)


def cmd_po_close(args) -> int:
    from app.domain.purchasing import orders

    return _simple(args, orders.close_po)


def cmd_po_cancel(args) -> int:
    from app.domain.purchasing import orders

    return _simple(args, orders.cancel_po)


def cmd_po_manifest(args) -> int:
    from app.domain.purchasing import manifest

    text = read_text(args.file)
    db = database(args)
    try:
        with db.sessions.begin() as s:
            result = manifest.import_manifest(s, args.po, text, filename=Path(args.file).name)
    except CsvImportError as exc:
        return print_bad_rows(exc, args.file)
    print(f"Manifest of {result.po_number}: {result.rows} units" + (f" (replaced a list of {result.replaced})"
                                                                    if result.replaced else ""))
    return 0


def cmd_po_receive(args) -> int:
    """Each scan in its own transaction, like the receiving screen: a refusal keeps earlier scans."""
    from app.domain.purchasing import receiving

    codes = args.scan or receiving.codes_from_csv(read_text(args.csv))
    approval = _approval(args, codes)
    db = database(args)
    line_id = None
    if args.line is not None:
        with db.reads() as s:
            line_id = receiving.line_id_for(s, args.po, args.line)
    failed = 0
    for code in codes:
        try:
            with db.sessions.begin() as s:
                outcome = receiving.receive_scan(s, args.po, code, allow_unexpected=args.allow_unexpected,
                                                 line_id=line_id, warehouse=args.warehouse, approved_by=approval)
            publish(outcome.changes)
            print(f"{'OK' if outcome.verdict == receiving.GREEN else 'UNEXPECTED'} {outcome.message}")
        except DomainError as exc:
            failed += 1
            print(f"refurbdesk: {code}: {exc}", file=sys.stderr)
    return 1 if failed else 0


def _approval(args, codes: list[str]):
    """The manager's approval of `--approved-by NAME` for one scanned code, with their PIN."""
    from app.cli.operator import ask_secret
    from app.domain.purchasing.approval import Approval

    if not args.approved_by:
        return None
    if args.scan is None or len(codes) != 1:
        raise CliError("--approved-by approves one unit: give exactly one --scan CODE")
    pin = os.environ.get(APPROVER_PIN_ENV)
    if pin is None:
        if sys.stdin is not None and sys.stdin.isatty():
            pin = ask_secret(f"PIN for {args.approved_by.strip()} (approving an over-receipt): ")
        else:
            pin = sys.stdin.readline() if sys.stdin is not None else ""
    if not pin.strip():
        raise CliError(f"no PIN for {args.approved_by.strip()}: give it on stdin or in {APPROVER_PIN_ENV}")
    return Approval(args.approved_by, pin.strip())


def cmd_po_show(args) -> int:
    from app.domain.purchasing import views

    db = database(args)
    with db.reads() as s:
        view = views.po_view(s, args.po)
    if args.json:
        print_json(plain(view))
        return 0
    print(f"{view.number}  {view.vendor}  {view.status.replace('_', ' ')}  received {view.received}/{view.expected}"
          + (f"  ref {view.reference}" if view.reference else ""))
    for line in view.lines:
        extra = (f", {line.unexpected} unexpected" if line.unexpected else "") + (
            f", {counted(line.replacements, 'replacement')}" if line.replacements else "")
        print(f"  {line.number}. {line.product}  {line.received}/{line.quantity}{extra}")
    if view.manifest_rows:
        print(f"  manifest: {view.manifest_received}/{view.manifest_rows} received, {len(view.manifest_missing)} missing")
    return 0


def cmd_po_list(args) -> int:
    from app.domain.purchasing import views

    db = database(args)
    with db.reads() as s:
        rows = views.list_pos(s, open_only=args.open)
    if args.json:
        print_json(plain(rows))
    else:
        for po in rows:
            print(f"{po.number}  {po.vendor}  {po.status.replace('_', ' ')}  {po.received}/{po.expected}")
    return 0


def cmd_po_landed(args) -> int:
    from app.domain.purchasing import landed

    db = database(args)
    with db.sessions.begin() as s:
        result = landed.add_landed_cost(s, args.po, args.amount, method="by_cost" if args.by == "cost" else "equal",
                                        description=args.description)
    print(f"Spread {result.amount} over {result.units} units of {result.po_number} ({args.by})")
    return 0


def cmd_import_diagnostics(args) -> int:
    from app.domain.purchasing import diagnostics

    columns = {}
    for item in args.map:
        ours, sep, theirs = item.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            raise CliError(f"--map is COLUMN=HEADER, not “{item}”")
        columns[ours.strip().lower()] = theirs.strip()
    text = read_text(args.file)
    db = database(args)
    try:
        with db.sessions.begin() as s:
            result = diagnostics.import_diagnostics(s, text, pass_status=args.pass_status, fail_status=args.fail_status,
                                                    columns=columns or None)
    except CsvImportError as exc:
        return print_bad_rows(exc, args.file)
    publish(result.changes)
    print(f"Graded {result.units} units: {result.passed} passed, {result.failed} failed "
          f"({result.regraded} re-graded, {result.new_variations} new variations).")
    return 0
