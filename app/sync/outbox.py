"""Step 4 of a cycle: remote writes waiting in the outbox, sent in order, retried safely.

Back Market has no idempotency keys, so every attempt first reads the order back and skips what is
already done (a line already accepted, an order already shipped with our tracking number). A
message is marked done only once Back Market's answer shows the new state.

IMEIs/serials: on the ship call only when the order has exactly one line of quantity 1; otherwise
each quantity-1 line gets its unit's code by PATCH before shipping (write-once: skipped when Back
Market already shows one). Lines of quantity > 1 cannot carry IMEIs on Back Market at all.

Nothing is given up silently. Only Back Market's own verdicts use a message's attempts: a refusal
(a 4xx other than 429) or a state that did not move. Transport errors (offline, timeouts), rate
limits, 5xx and unreadable answers never do: the message waits a little and is tried again. A message
refused MAX_REFUSALS times is marked failed, noted on its order and shown in the "needs attention"
list (attention.py: the Back Market tab, `refurbdesk backmarket outbox`), where Retry gives it a
fresh budget. Sent messages are deleted after sync.keep_sent_days (sync/prune.py).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy import select

from app.db import Database
from app.domain.bm_orders import CLOSED_LINE_STATES, add_note
from app.domain.changes import Changes
from app.models import Commitment, Order, OrderLine, OutboxMessage, Unit
from app.models.base import utcnow
from app.sync.client import BackMarketClient
from app.sync.errors import BackMarketError, MalformedResponse, RequestRejected

log = logging.getLogger(__name__)

MAX_REFUSALS = 3  # a 4xx is most likely permanent; a few tries cover a state that was still moving
RETRY_BASE_SECONDS = 30.0
RETRY_CAP_SECONDS = 3600.0
TRANSIENT_WAIT_SECONDS = 60.0  # after an error that is not about the message (offline, 5xx…)
Tick = Callable[[str | None], None]
KIND_WORDS = {"accept_line": "accept line", "ship_order": "send shipment & IMEIs"}


def kind_words(kind: str) -> str:
    return KIND_WORDS.get(kind, kind.replace("_", " "))


class NotConfirmed(BackMarketError):
    kind = "not_confirmed"
    default_user_message = "Back Market did not confirm the change; it will be checked and tried again."


@dataclass
class OutboxResult:
    sent: int = 0
    failed: int = 0
    warnings: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)


@dataclass
class _Message:
    id: int
    kind: str
    order_id: int | None
    payload: dict[str, Any]
    attempts: int


def _lines(remote: dict[str, Any]) -> list[dict[str, Any]]:
    return [line for line in remote.get("orderlines") or [] if isinstance(line, dict)]


def _shipped(remote: dict[str, Any]) -> bool:
    return remote.get("state") == 9 or bool(remote.get("date_shipping"))


def _accept(client: BackMarketClient, db: Database, msg: _Message, warnings: list[str], tick: Tick) -> dict[str, Any]:
    order_id, line_id = int(msg.payload["order_id"]), str(msg.payload.get("line_id"))
    remote = client.get_order(order_id)
    line = next((l for l in _lines(remote) if str(l.get("id")) == line_id), None)
    if line is None:
        raise RequestRejected(f"order {order_id} has no line {line_id}", user_message=f"Back Market order {order_id} has no line {line_id}.")
    if line.get("state") == 1:
        tick(None)  # the lease is checked right before the write
        remote = client.accept_line(order_id, str(msg.payload.get("sku") or line.get("listing")))
        line = next((l for l in _lines(remote) if str(l.get("id")) == line_id), line)
    if line.get("state") in CLOSED_LINE_STATES:
        warnings.append(f"Back Market order {order_id}: line {line.get('listing')} was cancelled before it could be accepted.")
    elif line.get("state") not in (2, 3):
        raise NotConfirmed(f"line {line_id} of order {order_id} is still in state {line.get('state')}")
    return remote


def _unit_codes(db: Database, order_id: int | None) -> dict[str, list[tuple[str | None, str | None]]]:
    """Remote line id → (imei, serial) of each unit packed on it."""
    if order_id is None:
        return {}
    with db.reads() as session:
        rows = session.execute(
            select(OrderLine.external_id, Unit.imei, Unit.serial)
            .join(Commitment, Commitment.line_id == OrderLine.id).join(Unit, Unit.id == Commitment.unit_id)
            .where(Commitment.order_id == order_id, (Commitment.active.is_(True)) | (Commitment.shipped_at.is_not(None)))
        ).all()
    codes: dict[str, list[tuple[str | None, str | None]]] = {}
    for external_id, imei, serial in rows:
        codes.setdefault(str(external_id), []).append((imei, serial))
    return codes


def _identity(unit: tuple[str | None, str | None]) -> dict[str, str]:
    imei, serial = unit
    return {"imei": imei} if imei else {"serial_number": serial} if serial else {}


def _ship(client: BackMarketClient, db: Database, msg: _Message, warnings: list[str], order_ext: int,
          tick: Tick) -> dict[str, Any]:
    tracking = str(msg.payload.get("tracking") or "").strip()
    carrier = msg.payload.get("carrier") or None
    remote = client.get_order(order_ext)
    if _shipped(remote):
        if (remote.get("tracking_number") or "") != tracking:
            warnings.append(f"Back Market order {order_ext} was already shipped with tracking "
                            f"{remote.get('tracking_number') or '(none)'}, not {tracking}.")
        return remote
    live = [l for l in _lines(remote) if l.get("state") not in CLOSED_LINE_STATES]
    if not live:
        warnings.append(f"Back Market order {order_ext}: every line is cancelled or refunded; nothing was shipped there.")
        return remote
    for line in live:  # Back Market refuses to ship a line the seller has not accepted
        if line.get("state") == 1:
            tick(None)
            remote = client.accept_line(order_ext, str(line.get("listing")))
    codes = _unit_codes(db, msg.order_id)
    on_ship: dict[str, str] = {}
    every_line = _lines(remote)
    if len(every_line) == 1 and int(every_line[0].get("quantity") or 0) == 1:
        line = every_line[0]
        units = codes.get(str(line.get("id")), [])
        if len(units) == 1 and not (line.get("imei") or line.get("serial_number")):
            on_ship = _identity(units[0])
    else:
        for line in live:
            units = codes.get(str(line.get("id")), [])
            if int(line.get("quantity") or 0) != 1:
                warnings.append(f"Back Market order {order_ext}: line {line.get('listing')} has quantity "
                                f"{line.get('quantity')}; Back Market takes IMEIs only on quantity-1 lines.")
                continue
            if len(units) == 1 and not (line.get("imei") or line.get("serial_number")):
                tick(None)
                client.set_orderline_identity(int(line["id"]), **_identity(units[0]))
    tick(None)
    remote = client.ship_order(order_ext, tracking_number=tracking, shipper=carrier, **on_ship)
    if not _shipped(remote):
        raise NotConfirmed(f"order {order_ext} is still in state {remote.get('state')} after shipping")
    return remote


def _load(db: Database, now: datetime) -> list[int]:
    with db.reads() as session:
        return list(session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.done_at.is_(None), OutboxMessage.failed.is_(False),
                                           OutboxMessage.next_attempt_at <= now).order_by(OutboxMessage.id)))


def _read(db: Database, message_id: int) -> tuple[_Message, int | None]:
    from app.models import Order

    with db.reads() as session:
        row = session.get(OutboxMessage, message_id)
        ext = None
        if row.order_id is not None:
            ext = session.scalar(select(Order.external_id).where(Order.id == row.order_id))
        return _Message(row.id, row.kind, row.order_id, json.loads(row.payload or "{}"), row.attempts), ext


def _record_remote_states(session, order_id: int | None, remote: dict[str, Any]) -> None:
    if order_id is None:
        return
    states = {str(l.get("id")): l.get("state") for l in _lines(remote)}
    for line in session.scalars(select(OrderLine).where(OrderLine.order_id == order_id)):
        if line.external_id in states and line.remote_state != states[line.external_id]:
            line.remote_state = states[line.external_id]


def counts_as_attempt(exc: BackMarketError) -> bool:
    """Back Market's verdict on this very message: a refusal (4xx but 429) or a state that did not move.
    Offline, timeouts, rate limits, 5xx, unreadable answers and account-wide refusals never count."""
    return isinstance(exc, (RequestRejected, NotConfirmed))


def _reason(exc: BackMarketError) -> str:
    return f"{exc.user_message} ({exc.message})" if exc.message not in exc.user_message else exc.user_message


def _give_up_note(session, msg: _Message, reason: str) -> str | None:
    """A line on the order saying what Back Market was not told, and why; returns the order number."""
    if msg.order_id is None:
        return None
    order = session.get(Order, msg.order_id)
    if order is None:
        return None
    what = kind_words(msg.kind)
    if msg.kind == "ship_order" and msg.payload.get("tracking"):
        what += f" (tracking {msg.payload['tracking']})"
    add_note(order, f"Update not sent to Back Market — {what}: {reason.rstrip('.')}. Fix it in the Back Market "
                    f"Back Office, or retry it (Back Market tab → Needs attention, or "
                    f"`refurbdesk backmarket outbox --retry {msg.id}`).")
    return order.number


def _fail_attempt(db: Database, msg: _Message, exc: BackMarketError, result: OutboxResult) -> None:
    reason = _reason(exc)
    counted = counts_as_attempt(exc)
    attempts = msg.attempts + (1 if counted else 0)
    with db.sessions.begin() as session:
        row = session.get(OutboxMessage, msg.id)
        row.attempts = attempts
        if counted and attempts >= MAX_REFUSALS:
            row.failed = True
            row.last_error = f"Gave up after {attempts} attempts: {reason}"
            number = _give_up_note(session, msg, reason)
            result.failed += 1
            result.warnings.append(f"Back Market update given up{f' for order {number}' if number else ''} "
                                   f"({kind_words(msg.kind)}): {reason.rstrip('.')}. It is listed under Needs attention.")
            if msg.order_id is not None:
                result.changes |= Changes.of(orders={msg.order_id})
        elif counted:
            row.last_error = reason
            delay = min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2 ** (attempts - 1))
            row.next_attempt_at = utcnow() + timedelta(seconds=delay)
        else:
            row.last_error = f"Waiting to retry: {reason}"
            row.next_attempt_at = utcnow() + timedelta(seconds=TRANSIENT_WAIT_SECONDS)
    log.warning("outbox message %s (%s) %s: %s", msg.id, msg.kind,
                f"refused (attempt {attempts})" if counted else "not sent, will retry", exc.message)


def send_pending(db: Database, client: BackMarketClient, tick: Tick, *, now: datetime | None = None) -> OutboxResult:
    result = OutboxResult()
    ids = _load(db, now or utcnow())
    for index, message_id in enumerate(ids, 1):
        tick(f"Sending updates to Back Market ({index}/{len(ids)})…")
        msg, ext = _read(db, message_id)
        warnings: list[str] = []
        try:
            if msg.kind == "accept_line":
                remote = _accept(client, db, msg, warnings, tick)
            elif msg.kind == "ship_order":
                if not ext:
                    raise RequestRejected("the order has no Back Market id", user_message="The order is not a Back Market order.")
                remote = _ship(client, db, msg, warnings, int(ext), tick)
            else:
                raise RequestRejected(f"unknown outbox message kind {msg.kind}", user_message=f"Unknown update kind {msg.kind}.")
        except (RequestRejected, MalformedResponse, NotConfirmed) as exc:
            _fail_attempt(db, msg, exc, result)  # about this message only: carry on with the next
            continue
        except BackMarketError as exc:
            _fail_attempt(db, msg, exc, result)  # offline, rate limited, token...: the next would fail too
            raise
        with db.sessions.begin() as session:
            row = session.get(OutboxMessage, msg.id)
            row.done_at = utcnow()
            row.attempts = msg.attempts + 1
            row.last_error = "; ".join(warnings) or None
            _record_remote_states(session, msg.order_id, remote)
        result.sent += 1
        result.warnings.extend(warnings)
        if msg.order_id is not None:
            result.changes |= Changes.of(orders={msg.order_id})
    return result
