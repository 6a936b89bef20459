"""define … (add, rename, reorder a list item) and undefine … (delete it, or merge it into another)."""

from __future__ import annotations

from app.cli.common import database, publish
from app.domain import list_edits, reference
from app.domain.changes import Changes
from app.domain.errors import InvalidInput

# kind -> how `define` adds or updates one (name, args) -> callable(session)
_DEFINE = {
    "warehouse": lambda name, a: lambda s: reference.define_warehouse(s, name),
    "status": lambda name, a: lambda s: reference.define_status(s, name, True if a.sellable else None),
    "grade": lambda name, a: lambda s: reference.define_grade(s, name),
    "condition": lambda name, a: lambda s: reference.define_condition(s, name, a.condition_name),
    "order-status": lambda name, a: lambda s: reference.define_order_status(
        s, name, True if a.open else None, True if a.allows_commit else None),
}
_HELP = {"warehouse": None, "status": "an inventory status", "grade": None,
         "condition": "a damage code and its name, e.g. CG 'Cracked Glass'", "order-status": None}


def register(sub) -> None:
    p = sub.add_parser("define", help="add to a user-managed list (idempotent), rename or reorder an item")
    dsub = p.add_subparsers(dest="define_what", required=True)
    for kind in _DEFINE:
        d = dsub.add_parser(kind, help=_HELP[kind])
        if kind == "condition":
            d.add_argument("name", metavar="code")
            d.add_argument("condition_name", metavar="name", nargs="?", help="needed to add a code; renames its name")
        else:
            d.add_argument("name")
        if kind == "status":
            d.add_argument("--sellable", action="store_true", help="units in it can be committed to orders")
        if kind == "order-status":
            d.add_argument("--open", action="store_true", help="its lines reserve stock")
            d.add_argument("--allows-commit", action="store_true", help="units may be scanned onto it")
        d.add_argument("--rename", metavar="NEW", help="rename it (settings naming it follow)")
        if list_edits.kind_of(kind).ordered:
            d.add_argument("--position", type=int, metavar="N", help="put it at place N of the list (1 = first)")
        d.set_defaults(handler=lambda a, kind=kind: _define(a, kind))

    p = sub.add_parser("undefine", help="delete a list item nothing uses, or merge it into another")
    usub = p.add_subparsers(dest="undefine_what", required=True)
    for kind in _DEFINE:
        u = usub.add_parser(kind)
        u.add_argument("name", metavar="code" if kind == "condition" else "name")
        u.add_argument("--merge-into", metavar="OTHER",
                       help="move every unit, variation, order and setting that uses it to OTHER, then delete it")
        u.set_defaults(handler=lambda a, kind=kind: _undefine(a, kind))


def _define(args, kind: str) -> int:
    actions = []  # (action, print its message?)
    name = args.name
    flags = any(getattr(args, f, False) for f in ("sellable", "open", "allows_commit")) or getattr(args, "condition_name", None)
    if args.rename is not None:
        actions.append((lambda s, old=name, new=args.rename: list_edits.rename(s, kind, old, new), True))
        name = args.rename
    elif kind == "condition" and not args.condition_name and getattr(args, "position", None) is None:
        raise InvalidInput("A new condition needs a code and a name, e.g. define condition CG 'Cracked Glass'.")
    if args.rename is None or flags:
        actions.append((_DEFINE[kind](name, args), False))
    if getattr(args, "position", None) is not None:
        actions.append((lambda s: list_edits.move(s, kind, name, args.position), True))
    return _run(args, actions)


def _undefine(args, kind: str) -> int:
    if args.merge_into:
        action = lambda s: list_edits.merge(s, kind, args.name, args.merge_into)  # noqa: E731
    else:
        action = lambda s: list_edits.delete(s, kind, args.name)  # noqa: E731
    return _run(args, [(action, True)])


def _run(args, actions) -> int:
    """All in one transaction: a refused step changes nothing."""
    db = database(args)
    said, changes = [], Changes()
    with db.sessions.begin() as s:
        for action, say in actions:
            done = action(s)
            changes |= done
            if say and done.message:
                said.append(done.message)
    for line in said:
        print(line)
    publish(changes)
    return 0
