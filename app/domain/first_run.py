"""The first-run checklist: what a new database still needs before a normal day's work, each step
read from the database itself (nothing to tick by hand, except confirming the default lists)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import defaults, settings
from app.models import InventoryStatus, SyncRun, Unit, User, Warehouse

LISTS, STOCK, BACKMARKET, USERS = "lists", "stock", "backmarket", "users"


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    hint: str
    done: bool


def lists_changed(session: Session) -> bool:
    """Whether the warehouses or inventory statuses are no longer just the ones a new database gets."""
    warehouses = set(session.scalars(select(Warehouse.name)))
    statuses = set(session.scalars(select(InventoryStatus.name)))
    new_database = {name for name, _ in defaults.INVENTORY_STATUSES} | set(defaults.PURCHASING_STATUSES)
    return warehouses != set(defaults.WAREHOUSES) or statuses != new_database


def backmarket_connected(session: Session, *, token_in_environment: bool = False) -> bool:
    """A token was stored for this database, or one is in the environment, or a sync has succeeded."""
    if token_in_environment or settings.get(session, "backmarket.token_for"):
        return True
    return session.scalar(select(SyncRun.id).where(SyncRun.finished_at.is_not(None), SyncRun.error.is_(None))
                          .limit(1)) is not None


def checklist(session: Session, *, token_in_environment: bool = False) -> list[Step]:
    """The steps, in order; none for a demo database (it comes set up)."""
    if settings.get(session, "database.demo"):
        return []
    lists_done = bool(settings.get(session, "setup.lists_checked")) or lists_changed(session)
    return [
        Step(LISTS, "Check the warehouses and statuses",
             "Add your storage places and the stages a device goes through (or keep the defaults).", lists_done),
        Step(STOCK, "Receive or import stock",
             "Scan devices in on the Receive page, or import a CSV of the stock you already have.",
             session.scalar(select(Unit.id).limit(1)) is not None),
        Step(BACKMARKET, "Connect Back Market",
             "Store the API token and choose how listings map to your stock.",
             backmarket_connected(session, token_in_environment=token_in_environment)),
        Step(USERS, "Create users",
             "An admin first, then a name and PIN (or badge) for each person; sign-in starts then.",
             session.scalar(select(User.id).limit(1)) is not None),
    ]


def confirm_lists(session: Session) -> None:
    """The manager keeps the default warehouses and statuses: that step is done."""
    settings.set_(session, "setup.lists_checked", True)
