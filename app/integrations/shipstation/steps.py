"""The ShipStation steps of a sync cycle, run after the Back Market ones under the same lease:

    shipments and voids → fulfillments → orders waiting for packing → local cancellations and
    shipments mirrored → new and changed orders pushed

Labels are read first so an order that already has one is not pushed again (ShipStation locks it).
`run_shipstation_steps(db, client, tick)` is what the cycle runner calls; `tick(text)` reports
progress and raises to stop (cancel, lease lost), as the Back Market steps' tick does.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from app.db import Database
from app.domain import settings
from app.domain.changes import NOTHING, Changes
from app.domain.errors import DomainError
from app.integrations.shipstation.client import ShipStationApi
from app.integrations.shipstation.config import ShipStationSettings, build_client
from app.integrations.shipstation.errors import Interrupted, KeyRejected, Offline, RateLimited, ShipStationError
from app.integrations.shipstation.labels import LabelTally, RemoteShipment, apply_remote, ship_waiting
from app.integrations.shipstation.mirror import MirrorTally, mirror_local_changes
from app.integrations.shipstation.push import PushTally, push_orders
from app.integrations.shipstation.records import PageTrouble
from app.models.base import utcnow
from app.domain.dates import counted

log = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=15)  # labels bought while the last read was running are read again
FIRST_LOOK_BACK = timedelta(days=14)
STOPS = (KeyRejected, Offline, RateLimited, Interrupted)  # every later step would fail the same way
KEY_REJECTED_MESSAGE = (
    "ShipStation rejected the API key: it may have expired. Create a new V1 key pair in ShipStation "
    "(Settings → Account → API Settings) and run `refurbdesk shipstation key set`."
)


@dataclass(frozen=True)
class ShipStationResult:
    """What the ShipStation steps did; crosses threads (no ORM objects inside)."""

    started: datetime
    finished: datetime
    pushed: int = 0
    push_failed: int = 0
    not_pushable: int = 0  # no address: not sent, and the order says why
    shipped_from_labels: int = 0
    waiting_for_packing: int = 0  # "label bought, not packed", newly flagged
    voided: int = 0
    cancelled: int = 0
    marked_shipped: int = 0
    requests: int = 0
    warnings: tuple[str, ...] = ()
    error: str | None = None
    error_kind: str | None = None
    changes: Changes = NOTHING

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("changes")
        data["started"], data["finished"] = self.started.isoformat(), self.finished.isoformat()
        data["warnings"] = list(self.warnings[:50])
        return data

    def summary_line(self) -> str:
        text = (f"{self.pushed} orders sent, {self.shipped_from_labels} shipped from labels, "
                f"{self.waiting_for_packing} waiting for packing, {self.voided} labels voided, "
                f"{self.cancelled} cancelled and {self.marked_shipped} marked shipped there")
        if self.push_failed or self.not_pushable:
            text += f", {self.push_failed + self.not_pushable} not sent"
        if self.warnings:
            text += f", {counted(len(self.warnings), 'warning')}"
        return f"ShipStation failed: {self.error} ({text})" if self.error else f"ShipStation done: {text}."


def _checkpoint(db: Database, key: str) -> datetime:
    with db.reads() as session:
        text = settings.get(session, key)
    try:
        moment = datetime.fromisoformat(text) if text else None
    except ValueError:
        moment = None
    return (moment - OVERLAP) if moment is not None else utcnow() - FIRST_LOOK_BACK


def _advance(db: Database, key: str, newest: datetime | None, trouble: PageTrouble) -> None:
    if newest is None or trouble.skipped:
        return  # a record ShipStation could not send is read again next time, not stepped over
    with db.sessions.begin() as session:
        current = settings.get(session, key)
        if not current or datetime.fromisoformat(current) < newest:
            settings.set_(session, key, newest.astimezone(timezone.utc).isoformat())


def _read_labels(db: Database, client: ShipStationApi, cfg: ShipStationSettings, tick, labels: LabelTally,
                 warnings: list[str]) -> None:
    key = "shipstation.shipments_checkpoint"
    since, trouble = _checkpoint(db, key), PageTrouble()
    newest = None
    records = list(client.iter_shipments(since, trouble))
    records += [s for s in client.iter_voided_shipments(since, trouble) if s.shipment_id not in
                {r.shipment_id for r in records}]
    tick(f"ShipStation: {len(records)} labels to look at")
    for shipment in sorted(records, key=lambda s: (s.created or since, s.shipment_id)):
        apply_remote(db, RemoteShipment.of_label(shipment), cfg, labels)
        for moment in (shipment.created, shipment.void_date):
            if moment is not None and (newest is None or moment > newest):
                newest = moment
    warnings += [f"ShipStation could not send a label record: {text}" for text in trouble.skipped]
    _advance(db, key, newest, trouble)


def _read_fulfillments(db: Database, client: ShipStationApi, cfg: ShipStationSettings, tick, labels: LabelTally,
                       warnings: list[str]) -> None:
    key = "shipstation.fulfillments_checkpoint"
    since, trouble = _checkpoint(db, key), PageTrouble()
    newest = None
    for fulfillment in client.iter_fulfillments(since, trouble):
        if not fulfillment.voided:
            apply_remote(db, RemoteShipment.of_fulfillment(fulfillment), cfg, labels)
        if fulfillment.created is not None and (newest is None or fulfillment.created > newest):
            newest = fulfillment.created
    warnings += [f"ShipStation could not send a fulfillment record: {text}" for text in trouble.skipped]
    _advance(db, key, newest, trouble)


def run_shipstation_steps(db: Database, client: ShipStationApi, tick: Callable[[str | None], None]) -> ShipStationResult:
    started = utcnow()
    with db.reads() as session:
        cfg = ShipStationSettings.load(session)
    labels, mirrored, pushed = LabelTally(), MirrorTally(), PushTally()
    warnings: list[str] = []
    errors: list[tuple[str, str]] = []
    steps = (("labels", lambda: _read_labels(db, client, cfg, tick, labels, warnings)),
             ("fulfillments", lambda: _read_fulfillments(db, client, cfg, tick, labels, warnings)),
             ("packing", lambda: ship_waiting(db, labels)),
             ("mirror", lambda: mirror_local_changes(db, client, cfg, tick, mirrored)),
             ("orders", lambda: push_orders(db, client, cfg, tick, pushed)))
    requests_before = getattr(client, "requests_made", 0)
    for name, step in steps:
        try:
            tick(None)
            step()
        except KeyRejected as exc:
            errors.append((KEY_REJECTED_MESSAGE, exc.kind))
            log.warning("shipstation %s: %s", name, exc.message)
            break
        except ShipStationError as exc:
            errors.append((f"ShipStation {name}: {exc.user_message}", exc.kind))
            log.warning("shipstation %s: %s", name, exc.message)
            if isinstance(exc, STOPS):
                break
        except DomainError as exc:
            errors.append((f"ShipStation {name}: {exc}", getattr(exc, "reason", "refused")))
    result = ShipStationResult(
        started=started, finished=utcnow(), pushed=pushed.pushed, push_failed=pushed.failed,
        not_pushable=pushed.not_pushable, shipped_from_labels=labels.shipped, waiting_for_packing=labels.waiting,
        voided=labels.voided, cancelled=mirrored.cancelled, marked_shipped=mirrored.marked_shipped,
        requests=getattr(client, "requests_made", 0) - requests_before,
        warnings=tuple(labels.warnings + mirrored.warnings + pushed.warnings + warnings),
        error="; ".join(m for m, _ in errors) or None, error_kind=errors[0][1] if errors else None,
        changes=labels.changes)
    _remember(db, result)
    log.info("%s", result.summary_line())
    return result


def _remember(db: Database, result: ShipStationResult) -> None:
    """The Shipping panel's health line: when the steps last ran, what they did, what went wrong."""
    with db.sessions.begin() as session:
        settings.set_(session, "shipstation.last_run", {
            "finished": result.finished.isoformat(), "summary": result.summary_line(), "error": result.error,
            "error_kind": result.error_kind, "warnings": list(result.warnings[:20])})


def run_shipstation_cycle(db: Database, tick: Callable[[str | None], None] | None = None, *,
                          client: ShipStationApi | None = None, **client_options: Any) -> ShipStationResult | None:
    """The steps with a client built from the settings and the keyring; None when ShipStation is off.
    A missing key is a result with an error, like any other reason the steps could not run."""
    with db.reads() as session:
        enabled = ShipStationSettings.load(session).enabled
    if not enabled and client is None:
        return None
    tick = tick or (lambda _text: None)
    own = client is None
    if own:
        try:
            client = build_client(db, **client_options)
        except DomainError as exc:
            now = utcnow()
            result = ShipStationResult(started=now, finished=now, error=str(exc), error_kind=getattr(exc, "reason", "settings"))
            _remember(db, result)
            return result
    try:
        return run_shipstation_steps(db, client, tick)
    finally:
        if own:
            client.close()
