"""backmarket outbox: the Back Market updates not sent yet (and why), and Retry."""

from __future__ import annotations

from app.cli.common import database, print_json
from app.domain.dates import counted
from app.domain.errors import InvalidInput

NOTHING_WAITING = "Nothing waiting: every Back Market update was sent."


def register_outbox(bsub) -> None:
    o = bsub.add_parser("outbox", help="Back Market updates not sent yet (accepts, shipments, IMEIs) and Retry")
    o.add_argument("--json", action="store_true", help="a JSON list of {id, kind, order, state, attempts, last_error, created_at}")
    o.add_argument("--all", action="store_true", help="include the updates already sent")
    o.add_argument("--retry", metavar="ID|all", help="send this update (or every one not sent) again, with fresh attempts")
    o.set_defaults(handler=cmd_outbox)


def _retry_ids(text: str) -> list[int] | None:
    if text.strip().lower() == "all":
        return None
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InvalidInput(f"--retry takes an update id from `refurbdesk backmarket outbox` or 'all', not “{text}”.") from None


def _table(items) -> None:
    rows = [("ID", "Order", "What", "State", "Attempts", "Created", "Last error")]
    for item in items:
        rows.append((str(item.id), item.order or "—", item.kind_words, item.state, str(item.attempts),
                     item.created_at.astimezone().strftime("%Y-%m-%d %H:%M"), (item.last_error or "").replace("\n", " ")))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])


def cmd_outbox(args) -> int:
    from app.sync import attention

    retrying = args.retry is not None
    ids = _retry_ids(args.retry) if retrying else None
    if retrying and ids == []:
        raise InvalidInput("--retry needs an update id or 'all'.")
    db = database(args)
    if retrying:
        with db.sessions.begin() as session:
            count = attention.retry(session, ids)
        if not args.json:
            print(f"{counted(count, 'Back Market update')} will be sent again at the next sync." if count else NOTHING_WAITING)
            return 0
    with db.reads() as session:
        items = attention.outbox_items(session, include_sent=args.all)
    if args.json:
        print_json([item.as_json() for item in items])
    elif items:
        _table(items)
    else:
        print(NOTHING_WAITING)
    return 0
