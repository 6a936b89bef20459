"""The ShipStation settings every station shares (`shipstation.*`), and a client built from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from app.db import Database
from app.domain import permissions, settings
from app.domain.errors import DomainError, InvalidInput
from app.domain.setting_checks import is_loopback
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


def database_identity(session: Session, db: Database, *, create: bool = False) -> str | None:
    """Which database this is, for binding the key to it: its own identity (`database.id`, which a copy
    keeps and a new database gets afresh) and where it lives (a copy elsewhere is another place), as the
    Back Market token's binding does. Never a password. None when no key was ever stored for it."""
    from app.sync.config import database_location

    ident = settings.database_id(session) if create else settings.get(session, "database.id")
    return f"{ident}\n{database_location(db.url)}" if ident else None


def key_binding(db: Database, api_url: str | None = None, *, create: bool = False) -> str | None:
    """The keyring entry for this database and API address; None before a key was ever stored here
    (`create`: make the database's identity first, to store one)."""
    if create:
        with db.sessions.begin() as session:
            ident = database_identity(session, db, create=True)
            api_url = ShipStationSettings.load(session).api_url if api_url is None else api_url
    else:
        with db.reads() as session:
            ident = database_identity(session, db)
            api_url = ShipStationSettings.load(session).api_url if api_url is None else api_url
    return secrets.key_binding(ident, api_url) if ident else None


def read_key(db: Database) -> str | None:
    """REFURBDESK_SHIPSTATION_KEY, or the keyring's key for this database and address."""
    env = secrets.env_key()
    return env or secrets.read_key(key_binding(db))


def store_key(db: Database, key_and_secret: str) -> None:
    """A manager's job, like the Back Market token: refused before anything is stored."""
    with db.reads() as session:
        permissions.require_token(session)
    secrets.store_key(key_and_secret, key_binding(db, create=True))


def clear_key(db: Database) -> None:
    with db.reads() as session:
        permissions.require_token(session)
    binding = key_binding(db)
    if binding is not None:
        secrets.delete_key(binding)


def key_state(db: Database) -> str | None:
    """"environment", "keyring" or None — where the key comes from (never the key itself)."""
    if secrets.env_key():
        return "environment"
    return "keyring" if secrets.read_key(key_binding(db)) else None


def build_client(db: Database, *, key: str | None = None, **options: Any) -> ShipStationV1Client:
    """Raises NoKey when no key is set for this database and address (keyring or the environment)."""
    with db.reads() as session:
        cfg = ShipStationSettings.load(session)
        demo = bool(settings.get(session, "database.demo"))
    if demo and not is_loopback(urlsplit(cfg.api_url).hostname or ""):
        raise DomainError(f"This is a demo database: it only talks to the local ShipStation sandbox, never to "
                          f"{cfg.api_url}.", reason="bad_settings")
    key = key or read_key(db)
    if not key:
        raise NoKey("No ShipStation API key is set. Run `refurbdesk shipstation key set` (KEY:SECRET on stdin) "
                    f"or set {secrets.ENV_VAR}.")
    try:
        return ShipStationV1Client(cfg.api_url, key, **options)
    except ValueError as exc:  # a bad address or a malformed key; never echoes the key
        raise DomainError(f"ShipStation settings: {exc}.", reason="bad_settings") from None
