"""A BackMarketClient built from the shared backmarket.* settings and the token in the keyring."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from app.db import Database, sqlite_path
from app.domain import settings
from app.domain.errors import DomainError
from app.domain.setting_checks import clean_api_url, is_loopback
from app.sync import platforms, secrets
from app.sync.client import BackMarketClient
from app.sync.ratelimit import RequestWindow

log = logging.getLogger(__name__)

KEYS = [
    "backmarket.platform", "backmarket.preprod", "backmarket.api_url", "backmarket.market",
    "backmarket.user_agent",
]


class NoToken(DomainError):
    reason = "no_token"


SET_AGAIN = ("Set the Back Market token again for this database and URL: the one stored was for another copy "
             "of this database or another address (Back Market tab, or `refurbdesk backmarket token set`).")


@dataclass(frozen=True)
class ClientSettings:
    base_url: str
    market: str
    user_agent: str
    platform: str

    @classmethod
    def load(cls, session: Session) -> ClientSettings:
        values = settings.get_many(session, KEYS)
        platform = (values["backmarket.platform"] or "eu").strip().lower()
        custom = (values["backmarket.api_url"] or "").strip()
        if custom:  # a database written before addresses were checked may hold plain http to anywhere
            clean_api_url("backmarket.api_url", custom)
        base = _base_url(values)
        if settings.get(session, "database.demo") and not _loopback_url(base):
            raise DomainError(f"This is a demo database: it only talks to the local Back Market sandbox, "
                              f"never to {base}.", reason="bad_settings")
        market = (values["backmarket.market"] or "").strip().lower() or platforms.DEFAULT_MARKET.get(platform, "fr-fr")
        agent = (values["backmarket.user_agent"] or "").strip() or platforms.default_user_agent()
        return cls(base, market, agent, platform)


def _base_url(values: dict[str, Any]) -> str:
    custom = (values["backmarket.api_url"] or "").strip().rstrip("/")
    platform = (values["backmarket.platform"] or "eu").strip().lower()
    return custom or platforms.base_url(platform, bool(values["backmarket.preprod"]))


def _loopback_url(url: str) -> bool:
    from urllib.parse import urlsplit

    return is_loopback(urlsplit(url).hostname or "")


def database_location(url: str) -> str:
    """Where a database lives: the SQLite file's absolute path, or the server URL without its password."""
    path = sqlite_path(url)
    if path is not None:
        return str(path.expanduser().resolve())
    try:
        parts = make_url(url)
        bare = URL.create(parts.drivername, parts.username, None, parts.host, parts.port, parts.database, parts.query)
        return bare.render_as_string(hide_password=False)
    except Exception:  # not a URL SQLAlchemy can read: its text is still a location
        return url


def _binding(session: Session, db: Database, *, create: bool = False) -> secrets.AccountBinding | None:
    ident = settings.database_id(session) if create else settings.get(session, "database.id")
    if not ident:
        return None  # no token was ever stored for this database
    return secrets.AccountBinding(ident, database_location(db.url), _base_url(settings.get_many(session, KEYS)))


def store_token(db: Database, token: str) -> None:
    """Keep the token in the keyring for this database and its current Back Market address."""
    if not (token or "").strip():
        raise DomainError("The Back Market token is empty.", reason="no_token")
    with db.sessions.begin() as session:
        binding = _binding(session, db, create=True)
    secrets.store_token(token, binding)
    with db.sessions.begin() as session:
        settings.set_(session, "backmarket.token_for", binding.fingerprint)


def clear_token(db: Database) -> None:
    with db.sessions.begin() as session:
        binding = _binding(session, db, create=True)
        settings.set_(session, "backmarket.token_for", "")
    secrets.delete_token(binding)


def read_token(db: Database) -> str | None:
    """REFURBDESK_BACKMARKET_TOKEN, or the keyring's token for this database and address."""
    if secrets.env_token():
        return secrets.env_token()
    with db.reads() as session:
        binding = _binding(session, db)
    return secrets.keyring_token(binding)


def token_state(db: Database) -> str:
    """"environment", "keyring", "set_again" (a token was stored for another copy or address) or "none"."""
    if secrets.env_token():
        return "environment"
    with db.reads() as session:
        binding = _binding(session, db)
        recorded = settings.get(session, "backmarket.token_for")
    if secrets.keyring_token(binding):
        return "keyring"
    if recorded or secrets.legacy_token_present():
        return "set_again"
    return "none"


# One request window per API host and process, so the pacing holds across cycles and between the
# full cycle and the fast pushes (each builds its own client).
_windows: dict[str, RequestWindow] = {}
_windows_lock = threading.Lock()


def _shared_window(base_url: str) -> RequestWindow:
    with _windows_lock:
        return _windows.setdefault(base_url, RequestWindow())


def build_client(db: Database, *, token: str | None = None, **client_options: Any) -> BackMarketClient:
    """Raises NoToken when no token is configured for this database and address (keyring) nor in
    REFURBDESK_BACKMARKET_TOKEN; DomainError when the address may not be used."""
    with db.reads() as session:
        cfg = ClientSettings.load(session)
    token = token or read_token(db)
    if not token:
        if token_state(db) == "set_again":
            raise NoToken(SET_AGAIN)
        raise NoToken(
            "No Back Market API token is set for this database. Paste it in the Back Market tab or run "
            f"`refurbdesk backmarket token set` (or set {secrets.ENV_VAR})."
        )
    client_options.setdefault("request_budget", _shared_window(cfg.base_url))
    try:
        return BackMarketClient(cfg.base_url, token, market=cfg.market, user_agent=cfg.user_agent, **client_options)
    except ValueError as exc:  # a bad address or a token with impossible characters; never echoes it
        raise DomainError(f"Back Market settings: {exc}.", reason="bad_settings") from None


def client_factory(db: Database, **client_options: Any) -> Callable[[], BackMarketClient]:
    return lambda: build_client(db, **client_options)
