"""The ShipStation settings every station shares (`shipstation.*`), and a client built from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.db import Database
from app.domain import settings
from app.domain.errors import DomainError, InvalidInput
from app.integrations.shipstation import secrets
from app.integrations.shipstation.client import DEFAULT_API_URL, ShipStationV1Client

KEYS = ["shipstation.enabled", "shipstation.api_url", "shipstation.store_id", "shipstation.push_statuses",
        "shipstation.backmarket_orders"]
PUSH, SKIP = "push", "skip"


class NoKey(DomainError):
    reason = "no_key"


@dataclass(frozen=True)
class ShipStationSettings:
    enabled: bool
    api_url: str
    store_id: int | None  # None: the account's manual store
    push_statuses: tuple[str, ...]
    backmarket_orders: str  # push | skip

    @classmethod
    def load(cls, session: Session) -> ShipStationSettings:
        v = settings.get_many(session, KEYS)
        mode = str(v["shipstation.backmarket_orders"] or PUSH).strip().lower()
        return cls(bool(v["shipstation.enabled"]), (v["shipstation.api_url"] or "").strip() or DEFAULT_API_URL,
                   int(v["shipstation.store_id"] or 0) or None,
                   tuple(str(s).strip() for s in v["shipstation.push_statuses"] or [] if str(s).strip()),
                   SKIP if mode == SKIP else PUSH)


def check_mode(value: str) -> str:
    mode = (value or "").strip().lower()
    if mode not in (PUSH, SKIP):
        raise InvalidInput(f"Back Market orders are either pushed to ShipStation (push) or left to ShipStation's own "
                           f"Back Market connection (skip), not “{value}”.")
    return mode


def database_identity(db: Database) -> str:
    """Which database this is, for binding the key to it (never with a password in it)."""
    return make_url(db.url).render_as_string(hide_password=True)


def key_binding(db: Database, api_url: str | None = None) -> str:
    if api_url is None:
        with db.reads() as session:
            api_url = ShipStationSettings.load(session).api_url
    return secrets.key_binding(database_identity(db), api_url)



def build_client(db: Database, *, key: str | None = None, **options: Any) -> ShipStationV1Client:
    """Raises NoKey when no key is set for this database and address (keyring or the environment)."""
    with db.reads() as session:
        cfg = ShipStationSettings.load(session)
    key = key or secrets.read_key(key_binding(db, cfg.api_url))
    if not key:
        raise NoKey("No ShipStation API key is set. Run `refurbdesk shipstation key set` (KEY:SECRET on stdin) "
                    f"or set {secrets.ENV_VAR}.")
    try:
        return ShipStationV1Client(cfg.api_url, key, **options)
    except ValueError as exc:  # a bad address or a malformed key; never echoes the key
        raise DomainError(f"ShipStation settings: {exc}.", reason="bad_settings") from None
