"""init, settings get/set; define/undefine … live in list_cmds."""

from __future__ import annotations

import json

from app.cli.common import database, print_json
from app.db import display_url
from app.domain import settings
from app.domain.setup import initialize


def register(sub) -> None:
    p = sub.add_parser("init", help="create or upgrade the database and add the default lists")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("settings", help="read or change a shared setting")
    ssub = p.add_subparsers(dest="settings_action", required=True)
    g = ssub.add_parser("get", help="print a setting's value")
    g.add_argument("key")
    g.set_defaults(handler=cmd_settings_get)
    s = ssub.add_parser("set", help="change a setting")
    s.add_argument("key")
    s.add_argument("value")
    s.set_defaults(handler=cmd_settings_set)
    lst = ssub.add_parser("list", help="every setting with its value")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_settings_list)
    hist = ssub.add_parser("history", help="who changed which setting, when and where (newest first)")
    hist.add_argument("key", nargs="?", help="only this setting")
    hist.add_argument("--json", action="store_true")
    hist.set_defaults(handler=cmd_settings_history)

    from app.cli import list_cmds

    list_cmds.register(sub)


def cmd_init(args) -> int:
    db = database(args, init=False)
    backup = initialize(db)
    print(f"Database ready: {display_url(db.url)}" + (f" (backup of the old file: {backup})" if backup else ""))
    return 0


def cmd_settings_get(args) -> int:
    db = database(args)
    with db.reads() as s:
        value = settings.get(s, args.key)
    print(json.dumps(value) if not isinstance(value, str) else value)
    return 0


def cmd_settings_set(args) -> int:
    db = database(args)
    with db.sessions.begin() as s:
        settings.set_(s, args.key, settings.parse_value(args.key, args.value))
    return 0


def cmd_settings_list(args) -> int:
    db = database(args)
    with db.reads() as s:
        values = settings.get_many(s, sorted(k for k, spec in settings.SPECS.items() if not spec.internal))
    values.pop("backmarket.sku_budget", None)
    if args.json:
        print_json(values)
    else:
        for key, value in values.items():
            print(f"{key} = {json.dumps(value)}")
    return 0


def cmd_settings_history(args) -> int:
    from app.domain import settings_audit

    db = database(args)
    with db.reads() as s:
        rows = settings_audit.history(s, args.key)
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            print(f"{r['at']}  {r['key']}: {r['old_value'] or '(default)'} → {r['new_value']}  [{r['station']} {r['operator']}]")
    return 0
