"""user add | list | pin | role | badge | disable | enable | unlock — operators and their roles."""

from __future__ import annotations

import sys

from app.cli import CliError
from app.cli.common import database, print_json
from app.domain import users
from app.models.base import iso_z


def register(sub) -> None:
    p = sub.add_parser("user", help="operators who sign in: add them, change their PIN, role or badge")
    usub = p.add_subparsers(dest="user_action", required=True)
    a = usub.add_parser("add", help="add an operator; the PIN is read from stdin (the first operator must be an admin)")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=users.ROLES)
    a.add_argument("--badge", metavar="CODE", help="the barcode on the operator's badge")
    a.set_defaults(handler=cmd_add)
    ls = usub.add_parser("list", help="every operator: name, role, active, locked until (never a PIN)")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)
    pin = usub.add_parser("pin", help="a new PIN, read from stdin")
    pin.add_argument("name")
    pin.set_defaults(handler=cmd_pin)
    role = usub.add_parser("role", help="change an operator's role")
    role.add_argument("name")
    role.add_argument("role", choices=users.ROLES)
    role.set_defaults(handler=cmd_role)
    badge = usub.add_parser("badge", help="give an operator a badge code (or --clear it)")
    badge.add_argument("name")
    group = badge.add_mutually_exclusive_group(required=True)
    group.add_argument("code", nargs="?")
    group.add_argument("--clear", action="store_true")
    badge.set_defaults(handler=cmd_badge)
    for action, helptext in (("disable", "an operator can no longer sign in"), ("enable", "an operator may sign in again"),
                             ("unlock", "lift a lock-out after wrong PINs")):
        q = usub.add_parser(action, help=helptext)
        q.add_argument("name")
        q.set_defaults(handler=cmd_simple, action=action)


def read_new_pin(name: str) -> str:
    """The new PIN from stdin (one line); on a terminal, asked twice without echo."""
    if sys.stdin is not None and sys.stdin.isatty():
        from app.cli.operator import ask_secret

        first = ask_secret(f"New PIN for {name}: ")
        if ask_secret("The same PIN again: ") != first:
            raise CliError("the two PINs differ; nothing was changed")
        return first.strip()
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line.strip():
        raise CliError("no PIN on stdin: give the new PIN as one line of digits")
    return line.strip()


def cmd_add(args) -> int:
    pin = read_new_pin(args.name)
    db = database(args)
    with db.sessions.begin() as s:
        first = not users.users_exist(s)
        info = users.add_user(s, args.name, args.role, pin, badge=args.badge)
    note = "; sign-in is now on for this database" if first else ""
    print(f"Added {info.role} {info.name}{' with a badge' if info.has_badge else ''}{note}.")
    return 0


def cmd_list(args) -> int:
    db = database(args)
    with db.reads() as s:
        rows = users.list_users(s)
    if args.json:
        print_json([{"name": u.name, "role": u.role, "active": u.active, "locked_until": iso_z(u.locked_until),
                     "has_badge": u.has_badge} for u in rows])
        return 0
    for u in rows:
        state = "active" if u.active else "disabled"
        if u.locked_until:
            state += f", locked until {u.locked_until.astimezone():%H:%M}"
        print(f"{u.name:<24} {u.role:<8} {state}{'  badge' if u.has_badge else ''}")
    return 0


def cmd_pin(args) -> int:
    pin = read_new_pin(args.name)
    db = database(args)
    with db.sessions.begin() as s:
        info = users.set_pin(s, args.name, pin)
    print(f"New PIN for {info.name}.")
    return 0


def cmd_role(args) -> int:
    db = database(args)
    with db.sessions.begin() as s:
        info = users.set_role(s, args.name, args.role)
    print(f"{info.name} is now {'an' if info.role == 'admin' else 'a'} {info.role}.")
    return 0


def cmd_badge(args) -> int:
    db = database(args)
    with db.sessions.begin() as s:
        info = users.set_badge(s, args.name, None if args.clear else args.code)
    print(f"{info.name} {'has a badge' if info.has_badge else 'has no badge'} now.")
    return 0


def cmd_simple(args) -> int:
    db = database(args)
    with db.sessions.begin() as s:
        info = getattr(users, args.action)(s, args.name)
    words = {"disable": "is disabled", "enable": "may sign in again", "unlock": "is unlocked"}[args.action]
    print(f"{info.name} {words}.")
    return 0
