"""A BackMarketClient built from the shared backmarket.* settings and the token in the keyring."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy.orm import Session

from app.db import Database
from app.domain import settings
from app.domain.errors import DomainError
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
        base = custom or platforms.base_url(platform, bool(values["backmarket.preprod"]))
        market = (values["backmarket.market"] or "").strip().lower() or platforms.DEFAULT_MARKET.get(platform, "fr-fr")
        agent = (values["backmarket.user_agent"] or "").strip() or platforms.default_user_agent()
        return cls(base, market, agent, platform)


# One request window per API host and process, so the pacing holds across cycles and between the
# full cycle and the fast pushes (each builds its own client).
_windows: dict[str, RequestWindow] = {}
_windows_lock = threading.Lock()


def _shared_window(base_url: str) -> RequestWindow:
    with _windows_lock:
        return _windows.setdefault(base_url, RequestWindow())


def build_client(db: Database, *, token: str | None = None, **client_options: Any) -> BackMarketClient:
    """Raises NoToken when no token is configured (keyring or REFURBDESK_BACKMARKET_TOKEN)."""
    with db.reads() as session:
        cfg = ClientSettings.load(session)
    token = token or secrets.read_token()
    if not token:
        raise NoToken(
            "No Back Market API token is set. Paste it in the Back Market tab or run "
            f"`refurbdesk backmarket token set` (or set {secrets.ENV_VAR})."
        )
    client_options.setdefault("request_budget", _shared_window(cfg.base_url))
    try:
        return BackMarketClient(cfg.base_url, token, market=cfg.market, user_agent=cfg.user_agent, **client_options)
    except ValueError as exc:  # a bad address or a token with impossible characters; never echoes it
        raise DomainError(f"Back Market settings: {exc}.", reason="bad_settings") from None


def client_factory(db: Database, **client_options: Any) -> Callable[[], BackMarketClient]:
    return lambda: build_client(db, **client_options)
