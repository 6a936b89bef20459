"""shipstation configure | key set|clear|status | stores | status | sandbox"""

from __future__ import annotations

import sys

from app.cli.common import database, print_json
from app.domain import reference, settings
from app.domain.errors import DomainError, InvalidInput

SHOWN_SETTINGS = ("shipstation.enabled", "shipstation.api_url", "shipstation.store_id", "shipstation.push_statuses",
                  "shipstation.backmarket_orders")
DEFAULT_SANDBOX_PORT = 8766


def register(sub) -> None:
    p = sub.add_parser("shipstation", help="ShipStation: orders out, labels and tracking back")
    ssub = p.add_subparsers(dest="ss_action", required=True)

    c = ssub.add_parser("configure", help="change the ShipStation settings (all stations share them)")
    c.add_argument("--api-url", metavar="URL", help="API address (the local sandbox); '' for ShipStation's own")
    c.add_argument("--store-id", type=int, metavar="N", help="store for pushed orders; 0 for the manual store")
    c.add_argument("--push-statuses", metavar="'New,Ready to ship'", help="local order statuses that are pushed")
    c.add_argument("--backmarket-orders", choices=("push", "skip"),
                   help="skip when Back Market is connected to ShipStation directly")
    c.add_argument("--enabled", choices=("on", "off"))
    c.add_argument("--json", action="store_true", help="print the resulting settings as JSON")
    c.set_defaults(handler=cmd_configure)

    k = ssub.add_parser("key", help="the API key and secret, kept in the system keyring")
    ksub = k.add_subparsers(dest="key_action", required=True)
    ksub.add_parser("set", help="read KEY:SECRET from stdin into the keyring").set_defaults(handler=cmd_key_set)
    ksub.add_parser("clear", help="remove the key from the keyring").set_defaults(handler=cmd_key_clear)
    ksub.add_parser("status", help="say where the key comes from (never prints it)").set_defaults(handler=cmd_key_status)

    s = ssub.add_parser("stores", help="the account's stores, as ShipStation lists them")
    s.set_defaults(handler=cmd_stores)
    h = ssub.add_parser("status", help="health: last run, orders waiting for a label, problems (JSON)")
    h.set_defaults(handler=cmd_status)

    sb = ssub.add_parser("sandbox", help="run the local ShipStation simulator")
    sb.add_argument("--port", type=int, default=DEFAULT_SANDBOX_PORT)
    sb.set_defaults(handler=cmd_sandbox)


def _configure(session, args) -> dict:
    """Validate everything first, so a typo changes nothing."""
    from app.domain.setting_checks import clean_api_url
    from app.integrations.shipstation.config import check_mode

    changes: dict = {}
    if args.api_url is not None:
        # https:// anywhere; plain http:// only to this computer (the key goes in every request).
        changes["shipstation.api_url"] = clean_api_url("--api-url", args.api_url)
    if args.store_id is not None:
        if args.store_id < 0:
            raise InvalidInput("--store-id is a ShipStation store number, or 0 for the manual store.")
        changes["shipstation.store_id"] = args.store_id
    if args.push_statuses is not None:
        names = [n.strip() for n in args.push_statuses.split(",") if n.strip()]
        if not names:
            raise InvalidInput("--push-statuses needs at least one order status.")
        statuses = [reference.order_status(session, n) for n in names]
        closed = [s.name for s in statuses if not s.is_open]
        if closed:
            raise InvalidInput(f"Only open order statuses can be pushed to ShipStation, not {', '.join(closed)}.")
        changes["shipstation.push_statuses"] = [s.name for s in statuses]
    if args.backmarket_orders:
        changes["shipstation.backmarket_orders"] = check_mode(args.backmarket_orders)
    if args.enabled:
        changes["shipstation.enabled"] = args.enabled == "on"
    for key, value in changes.items():
        settings.set_(session, key, value)
    return changes


def cmd_configure(args) -> int:
    db = database(args)
    with db.sessions.begin() as s:
        _configure(s, args)
        values = settings.get_many(s, list(SHOWN_SETTINGS))
    if args.json:
        print_json(values)
    else:
        for key, value in values.items():
            print(f"{key} = {value}")
    return 0


def cmd_key_set(args) -> int:
    from app.integrations.shipstation import config, secrets

    _require_key_rights(args)
    text = sys.stdin.readline().strip() if not sys.stdin.isatty() else input("ShipStation KEY:SECRET: ").strip()
    if not text:
        raise InvalidInput("No key given on stdin: write KEY:SECRET.")
    db = database(args)
    config.store_key(db, text)
    note = f" ({secrets.ENV_VAR} is set and is used instead while it is)" if config.key_state(db) == "environment" else ""
    print(f"ShipStation key stored in the system keyring for this database and address{note}.")
    return 0


def cmd_key_clear(args) -> int:
    from app.integrations.shipstation import config

    _require_key_rights(args)
    config.clear_key(database(args))
    print("ShipStation key removed from the system keyring.")
    return 0


def _require_key_rights(args) -> None:
    """A manager's job, like the Back Market token: checked before anything is read or stored."""
    from app.domain import permissions

    with database(args).reads() as s:
        permissions.require_token(s)


def cmd_key_status(args) -> int:
    from app.integrations.shipstation import config, secrets

    source = config.key_state(database(args))
    print({"environment": f"The key comes from {secrets.ENV_VAR}.",
           "keyring": "The key is in the system keyring."}.get(source or "", "No ShipStation key is set."))
    return 0 if source else 1


def cmd_stores(args) -> int:
    from app.integrations.shipstation.config import build_client
    from app.integrations.shipstation.errors import ShipStationError

    with build_client(database(args)) as client:
        try:
            stores = client.list_stores()
        except ShipStationError as exc:
            raise DomainError(exc.user_message, reason=exc.kind) from None
    print_json([{"store_id": s.store_id, "name": s.name, "marketplace": s.marketplace, "active": s.active}
                for s in stores])
    return 0


def cmd_status(args) -> int:
    from app.integrations.shipstation.status import health

    with database(args).reads() as s:
        h = health(s)
    print_json({"last_run": h.last_run, "waiting_for_label": h.waiting_for_label, "not_packed": list(h.not_packed),
                "problems": [{"order": n, "problem": p} for n, p in h.problems]})
    return 0


def cmd_sandbox(args) -> int:
    from app.integrations.shipstation.sandbox import serve

    serve(args.port)
    return 0
