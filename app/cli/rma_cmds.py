"""rma create/add/remove/approve/ship/resolve/show/list · report stock|aging|vendors|pos"""

from __future__ import annotations

from app.cli.common import database, print_json, publish
from app.cli.purchasing_json import plain
from app.domain.dates import counted


def register(sub) -> None:
    p = sub.add_parser("rma", help="vendor returns: defective units back to the vendor for credit")
    rsub = p.add_subparsers(dest="rma_what", required=True)
    q = rsub.add_parser("create", help="a draft RMA; prints its number")
    q.add_argument("--vendor", required=True)
    q.add_argument("--ra", default="", help="the vendor's return authorisation number")
    q.set_defaults(handler=cmd_create)
    q = rsub.add_parser("add", help="add a unit to a draft RMA")
    q.add_argument("rma")
    q.add_argument("code")
    q.add_argument("--reason", required=True)
    q.set_defaults(handler=cmd_add)
    q = rsub.add_parser("remove", help="take a unit off an RMA that has not shipped")
    q.add_argument("rma")
    q.add_argument("code")
    q.set_defaults(handler=cmd_remove)
    q = rsub.add_parser("approve", help="approve a draft RMA (manager)")
    q.add_argument("rma")
    q.set_defaults(handler=cmd_approve)
    q = rsub.add_parser("ship", help="ship an approved RMA: its units go to Vendor RMA")
    q.add_argument("rma")
    q.add_argument("--tracking", required=True)
    q.set_defaults(handler=cmd_ship)
    q = rsub.add_parser("resolve", help="resolve one unit of a shipped RMA")
    q.add_argument("rma")
    q.add_argument("code")
    how = q.add_mutually_exclusive_group(required=True)
    how.add_argument("--credit", metavar="X", help="the vendor credited this amount")
    how.add_argument("--replace", metavar="NEWCODE", help="the vendor sent this unit instead (received onto the same PO line)")
    how.add_argument("--returned", action="store_true", help="repaired and returned")
    how.add_argument("--rejected", action="store_true", help="rejected and returned as it was")
    how.add_argument("--write-off", action="store_true", help="written off")
    q.add_argument("--status", help="where a returned unit goes (default Processing if repaired, Repair if rejected)")
    q.set_defaults(handler=cmd_resolve)
    q = rsub.add_parser("show", help="an RMA with its lines and credit expected vs received")
    q.add_argument("rma")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_show)
    q = rsub.add_parser("list", help="every RMA")
    q.add_argument("--open", action="store_true")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_list)

    p = sub.add_parser("report", help="stock value, aging, vendor defect rates, PO progress")
    p.add_argument("which", choices=("stock", "aging", "vendors", "pos"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_report)


def _run(args, function, *more, **kw) -> int:
    db = database(args)
    with db.sessions.begin() as s:
        result = function(s, *more, **kw)
    publish(result.changes)
    print(result.changes.message)
    return 0


def cmd_create(args) -> int:
    from app.domain.purchasing import rma

    db = database(args)
    with db.sessions.begin() as s:
        result = rma.create_rma(s, args.vendor, args.ra)
    print(result.number)
    return 0


def cmd_add(args) -> int:
    from app.domain.purchasing import rma

    return _run(args, rma.add_to_rma, args.rma, args.code, args.reason)


def cmd_remove(args) -> int:
    from app.domain.purchasing import rma

    return _run(args, rma.remove_from_rma, args.rma, args.code)


def cmd_approve(args) -> int:
    from app.domain.purchasing import rma

    return _run(args, rma.approve_rma, args.rma)


def cmd_ship(args) -> int:
    from app.domain.purchasing import rma_flow

    return _run(args, rma_flow.ship_rma, args.rma, args.tracking)


def cmd_resolve(args) -> int:
    from app.domain.purchasing import rma_flow as f

    if args.credit is not None:
        resolution = f.CREDITED
    elif args.replace is not None:
        resolution = f.REPLACED
    elif args.returned:
        resolution = f.REPAIRED
    elif args.rejected:
        resolution = f.REJECTED
    else:
        resolution = f.WRITTEN_OFF
    return _run(args, f.resolve_rma_line, args.rma, args.code, resolution, credit=args.credit,
                replacement=args.replace, status=args.status)


def cmd_show(args) -> int:
    from app.domain.purchasing import views

    db = database(args)
    with db.reads() as s:
        view = views.rma_view(s, args.rma)
    if args.json:
        print_json(plain(view))
        return 0
    print(f"{view.number}  {view.vendor}  {view.status}" + (f"  RA {view.ra_number}" if view.ra_number else "")
          + (f"  tracking {view.tracking}" if view.tracking else ""))
    for line in view.lines:
        print(f"  {line.code}  {line.product}  {line.reason}  {line.resolution or 'open'}"
              + (f" {line.credit_amount}" if line.credit_amount is not None else "")
              + (f" → {line.replacement}" if line.replacement else ""))
    if view.credit_expected is not None:
        print(f"  credit expected {view.credit_expected}, received {view.credit_received}")
    return 0


def cmd_list(args) -> int:
    from app.domain.purchasing import views

    db = database(args)
    with db.reads() as s:
        rows = views.list_rmas(s, open_only=args.open)
    if args.json:
        print_json(plain(rows))
    else:
        for r in rows:
            print(f"{r.number}  {r.vendor}  {r.status}  {counted(len(r.lines), 'unit')}, {r.open_lines} open")
    return 0


def cmd_report(args) -> int:
    from app.domain.purchasing import reports

    function = {"stock": reports.stock_value, "aging": reports.aging, "vendors": reports.vendor_report,
                "pos": reports.po_progress}[args.which]
    db = database(args)
    with db.reads() as s:
        rows = function(s)
    if args.json:
        print_json(plain(rows))
        return 0
    for row in plain(rows):
        print("  ".join(f"{k}={v}" for k, v in row.items()))
    return 0
