"""order create, orders, fulfil, ship, order status"""

from __future__ import annotations

import sys

from app.cli.common import database, print_json_list, publish
from app.domain import addresses, fulfilment, orders
from app.domain.errors import ScanRefused
from app.domain.scan_transaction import scanning
from app.domain.orders_view import iter_order_rows


def register(sub) -> None:
    p = sub.add_parser("order", help="direct orders")
    osub = p.add_subparsers(dest="order_action", required=True)
    c = osub.add_parser("create", help="create a direct order; prints its number")
    c.add_argument("--customer", required=True)
    c.add_argument("--line", action="append", required=True, metavar="variation=ID,qty=N | sku=SKU,qty=N",
                   help="a line (repeat for several)")
    c.add_argument("--ship-to", metavar="name=…,street1=…,city=…,postal_code=…,country=FR",
                   help="the structured shipping address (also street2, street3, company, state, phone, email)")
    c.set_defaults(handler=cmd_order_create)
    st = osub.add_parser("status", help="move an order to another status")
    st.add_argument("number")
    st.add_argument("status")
    st.set_defaults(handler=cmd_order_status)

    p = sub.add_parser("orders", help="list orders")
    p.add_argument("--json", action="store_true", help="JSON (the default output)")
    p.add_argument("--open", action="store_true", help="only orders in an open status")
    p.set_defaults(handler=cmd_orders)

    p = sub.add_parser("fulfil", help="commit scanned units to an order")
    p.add_argument("number")
    p.add_argument("--scan", action="append", required=True, metavar="CODE")
    p.set_defaults(handler=cmd_fulfil)
    p = sub.add_parser("uncommit", help="remove a scanned unit from an order")
    p.add_argument("number")
    p.add_argument("code")
    p.set_defaults(handler=cmd_uncommit)

    p = sub.add_parser("ship", help="ship an order")
    p.add_argument("number")
    p.add_argument("--tracking", required=True)
    p.add_argument("--carrier")
    p.add_argument("--incomplete", action="store_true", help="ship even though units are missing")
    p.set_defaults(handler=cmd_ship)


def cmd_order_create(args) -> int:
    lines = [orders.parse_line(text) for text in args.line]
    ship_to = addresses.parse_ship_to(args.ship_to) if args.ship_to else None  # refused before anything is written
    db = database(args)
    with db.sessions.begin() as s:
        order, changes = orders.create_direct_order(s, args.customer, lines)
        if ship_to is not None:
            addresses.set_address(s, order.id, ship_to)
        number = order.number
    publish(changes)
    print(number)
    return 0


def cmd_order_status(args) -> int:
    db = database(args)
    with db.sessions.begin() as s:
        changes = orders.change_order_status(s, args.number, args.status)
    publish(changes)
    print(changes.message or "unchanged")
    return 0


def cmd_orders(args) -> int:
    db = database(args)
    with db.reads() as s:  # streamed: a page of orders at a time
        print_json_list(iter_order_rows(s, open_only=args.open))
    return 0


def cmd_fulfil(args) -> int:
    """Each scan in its own transaction, like the packing station: a refusal keeps earlier scans."""
    db = database(args)
    failed = 0
    for code in args.scan:
        try:
            with scanning(db) as s:
                verdict = fulfilment.commit_unit(s, args.number, code)
            publish(verdict.changes)
            print(f"OK {verdict.message}")
        except ScanRefused as exc:
            failed += 1
            print(f"refurbdesk: {code}: {exc}", file=sys.stderr)
    return 1 if failed else 0


def cmd_uncommit(args) -> int:
    db = database(args)
    with db.sessions.begin() as s:
        changes = fulfilment.uncommit_unit(s, args.number, args.code)
    publish(changes)
    print(changes.message)
    return 0


def cmd_ship(args) -> int:
    db = database(args)
    with db.sessions.begin() as s:
        changes = fulfilment.ship_order(s, args.number, args.tracking, args.carrier, allow_incomplete=args.incomplete)
    publish(changes)
    print(changes.message)
    return 0
