"""backmarket configure | token set | map | rules | listings | sandbox"""

from __future__ import annotations

import argparse
import sys

from app.cli.common import database, print_json, publish
from app.domain import settings
from app.domain.bm_markets import ORDER_STATE_KEYS
from app.domain.changes import Changes
from app.domain.errors import InvalidInput
SHOWN_SETTINGS = (
    "backmarket.platform", "backmarket.preprod", "backmarket.api_url", "backmarket.market", "backmarket.user_agent",
    "backmarket.mapping", "backmarket.customer_name", "backmarket.statuses", "backmarket.warehouses",
    "backmarket.order_states", "backmarket.auto_accept", "backmarket.since_days",
)
DEFAULT_SANDBOX_PORT = 8765


def register(sub) -> None:
    p = sub.add_parser("backmarket", help="Back Market integration: settings, token, mapping, listings")
    bsub = p.add_subparsers(dest="bm_action", required=True)

    c = bsub.add_parser("configure", help="change the Back Market settings (all stations share them)")
    c.add_argument("--platform", choices=("eu", "us", "ap"))
    c.add_argument("--preprod", action=argparse.BooleanOptionalAction, default=None,
                   help="use Back Market's pre-production copy")
    c.add_argument("--api-url", metavar="URL", help="custom base URL (the local sandbox); '' to clear")
    c.add_argument("--market", metavar="CODE", help="Accept-Language market, e.g. fr-fr")
    c.add_argument("--user-agent", metavar="UA", help="e.g. 'BM-Company-Integration;contact@example.com'")
    c.add_argument("--mapping", choices=("variation", "sku"))
    c.add_argument("--customer-name", choices=("shipping", "channel"))
    c.add_argument("--statuses", metavar="A,B", help="inventory statuses that count towards quantities")
    c.add_argument("--warehouses", metavar="X,Y", help="warehouses that count ('' for every warehouse)")
    c.add_argument("--order-status", action="append", default=[], metavar="KEY=LOCAL_STATUS",
                   help=f"Back Market state → local order status; KEY is one of {', '.join(ORDER_STATE_KEYS)}")
    c.add_argument("--auto-accept", choices=("on", "off"))
    c.add_argument("--since-days", type=int, metavar="N", help="how far back the first order import looks")
    c.add_argument("--json", action="store_true", help="print the resulting settings as JSON")
    c.set_defaults(handler=cmd_configure)

    t = bsub.add_parser("token", help="the API token, kept in the system keyring")
    tsub = t.add_subparsers(dest="token_action", required=True)
    ts = tsub.add_parser("set", help="read the token from stdin into the keyring, for this database and address")
    ts.set_defaults(handler=cmd_token_set)
    tc = tsub.add_parser("clear", help="remove the token from the keyring")
    tc.set_defaults(handler=cmd_token_clear)
    tst = tsub.add_parser("status", help="say where the token comes from (never prints it)")
    tst.set_defaults(handler=cmd_token_status)

    m = bsub.add_parser("map", help="map a listing to a variation (variation mapping mode)")
    m.add_argument("listing", metavar="LISTING", help="Back Market listing id, UUID or SKU")
    group = m.add_mutually_exclusive_group(required=True)
    group.add_argument("--variation", type=int, metavar="ID")
    group.add_argument("--clear", action="store_true", help="remove the mapping")
    m.set_defaults(handler=cmd_map)

    r = bsub.add_parser("rules", help="a listing's safety rules")
    r.add_argument("listing", metavar="LISTING")
    r.add_argument("--reserve", type=int, metavar="N", help="keep N units back")
    r.add_argument("--max-listed", metavar="N", help="list at most N units ('none' to remove the cap)")
    r.set_defaults(handler=cmd_rules)

    ls = bsub.add_parser("listings", help="the imported listings with their calculated quantities")
    ls.add_argument("--json", action="store_true", help="JSON (the default output)")
    ls.set_defaults(handler=cmd_listings)

    sb = bsub.add_parser("sandbox", help="run the local Back Market simulator")
    sb.add_argument("--port", type=int, default=DEFAULT_SANDBOX_PORT)
    sb.add_argument("--demo", action="store_true", help="seed demo listings, a demo token and customers who buy")
    sb.set_defaults(handler=cmd_sandbox)

    from app.cli.outbox_cmds import register_outbox
    register_outbox(bsub)


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _configure(session, args) -> dict:
    """Every value goes through the domain's checks (settings.set_), the same as `settings set` and the
    GUI; the command runs in one transaction, so a typo in any option changes nothing."""
    changes: dict = {}
    if args.platform:
        changes["backmarket.platform"] = args.platform
    if args.preprod is not None:
        changes["backmarket.preprod"] = bool(args.preprod)
    if args.api_url is not None:
        changes["backmarket.api_url"] = args.api_url
    if args.market is not None:
        changes["backmarket.market"] = args.market
    if args.user_agent is not None:
        changes["backmarket.user_agent"] = args.user_agent.strip()
    if args.mapping:
        changes["backmarket.mapping"] = args.mapping
    if args.customer_name:
        changes["backmarket.customer_name"] = args.customer_name
    if args.statuses is not None:
        changes["backmarket.statuses"] = _names(args.statuses)
    if args.warehouses is not None:
        changes["backmarket.warehouses"] = _names(args.warehouses)
    if args.order_status:
        mapping = settings.get(session, "backmarket.order_states")
        for item in args.order_status:
            key, sep, local = item.partition("=")
            key = key.strip().lower()
            if not sep or key not in ORDER_STATE_KEYS or not local.strip():
                raise InvalidInput(f"--order-status “{item}”: write KEY=LOCAL_STATUS with KEY one of "
                                   f"{', '.join(ORDER_STATE_KEYS)}.")
            mapping[key] = local.strip()
        changes["backmarket.order_states"] = mapping
    if args.auto_accept:
        changes["backmarket.auto_accept"] = args.auto_accept == "on"
    if args.since_days is not None:
        changes["backmarket.since_days"] = args.since_days
    for key, value in list(changes.items()):
        if key == "backmarket.mapping":
            from app.sync import mapping_mode

            # Said before it is done; hand mappings are kept in both modes (app/sync/mapping_mode.py).
            switch = mapping_mode.preview_switch(session, value)
            if switch.changes_anything:
                changes["mapping_switch"] = switch.text
            mapping_mode.switch_mode(session, value)
        else:
            settings.set_(session, key, value)
    return changes


def cmd_configure(args) -> int:
    db = database(args)
    with db.sessions.begin() as s:
        changed = _configure(s, args)
        values = settings.get_many(s, list(SHOWN_SETTINGS))
    if changed:
        publish(Changes.of(settings=True, message="Back Market settings"))
    if changed.get("mapping_switch") and not args.json:
        print(changed["mapping_switch"])
    if args.json:
        print_json(values)
    else:
        for key, value in values.items():
            print(f"{key} = {value}")
    return 0


def cmd_token_set(args) -> int:
    from app.sync import config, secrets
    _require_token(args)

    token = sys.stdin.readline().strip() if not sys.stdin.isatty() else input("Back Market API token: ").strip()
    if not token:
        raise InvalidInput("No token given on stdin.")
    config.store_token(database(args), token)
    note = f" ({secrets.ENV_VAR} is set and is used instead while it is)" if secrets.env_token() else ""
    print(f"Back Market token stored in the system keyring for this database and address{note}.")
    return 0


def cmd_token_clear(args) -> int:
    from app.sync import config
    _require_token(args)

    config.clear_token(database(args))
    print("Back Market token removed from the system keyring.")
    return 0


def _require_token(args) -> None:
    from app.domain import permissions

    with database(args).reads() as s:
        permissions.require_token(s)


def cmd_token_status(args) -> int:
    from app.sync import config, secrets

    state = config.token_state(database(args))
    print({
        "environment": f"The token comes from {secrets.ENV_VAR}.",
        "keyring": "The token for this database and address is in the system keyring.",
        "set_again": config.SET_AGAIN,
    }.get(state, "No Back Market token is set for this database."))
    return 0 if state in ("environment", "keyring") else 1


def cmd_map(args) -> int:
    from app.sync import mapping

    db = database(args)
    with db.sessions.begin() as s:
        changes = mapping.unmap_listing(s, args.listing) if args.clear else mapping.map_listing(s, args.listing, args.variation)
    publish(changes)
    print(changes.message)
    return 0


def cmd_rules(args) -> int:
    from app.sync import mapping

    clear_max, max_listed = False, None
    if args.max_listed is not None:
        if args.max_listed.strip().lower() in ("none", ""):
            clear_max = True
        else:
            try:
                max_listed = int(args.max_listed)
            except ValueError:
                raise InvalidInput(f"--max-listed takes a number or 'none', not “{args.max_listed}”.") from None
    db = database(args)
    with db.sessions.begin() as s:
        changes = mapping.set_rules(s, args.listing, args.reserve, max_listed, clear_max=clear_max)
    publish(changes)
    print(changes.message)
    return 0


def cmd_listings(args) -> int:
    from app.sync.mapping import listings_rows

    db = database(args)
    with db.reads() as s:
        print_json(listings_rows(s))
    return 0


def cmd_sandbox(args) -> int:
    from app.sync.sandbox import serve

    serve(args.port, args.demo)
    return 0
