"""The Back Market token: in the OS keyring (or REFURBDESK_BACKMARKET_TOKEN), nowhere else.

Never written to the database, a config file or a log. A keyring token belongs to one database (its
identity and where it lives) and one base URL — an `AccountBinding` — so a copy of the database
opened elsewhere, or a changed address, finds no token instead of syncing with the original's.
The environment variable is explicit and wins everywhere (servers, tests).

Keyring backends are not all thread-safe (the GUI thread and the sync worker may both ask), so
every access goes through one lock.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from dataclasses import dataclass

import keyring
import keyring.errors

from app.domain.errors import DomainError
from app.logs import register_secret

log = logging.getLogger(__name__)

SERVICE = "RefurbDesk"
USERNAME = "backmarket-token"  # the one shared slot of older versions: read only to say "set it again"
ENV_VAR = "REFURBDESK_BACKMARKET_TOKEN"

_lock = threading.Lock()


class SecretStoreUnavailable(DomainError):
    """No usable keyring backend on this computer (a headless server, a frozen app missing a backend)."""

    reason = "no_keyring"


@dataclass(frozen=True)
class AccountBinding:
    """Which database (identity + location, never a password) and which Back Market address a token is for."""

    database_id: str
    location: str
    base_url: str

    @property
    def fingerprint(self) -> str:
        text = "\n".join((self.database_id, self.location, self.base_url.rstrip("/").lower()))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @property
    def username(self) -> str:
        return f"{USERNAME}-{self.fingerprint}"


def _unavailable(exc: Exception) -> SecretStoreUnavailable:
    # The backend's own words help IT; they never contain the token.
    detail = str(exc).strip() or type(exc).__name__
    return SecretStoreUnavailable(
        f"No secure password store (keyring) is available on this computer: {detail}. "
        f"Install or unlock one, or set {ENV_VAR} instead."
    )


def _get(username: str) -> str | None:
    with _lock:
        try:
            value = keyring.get_password(SERVICE, username)
        except keyring.errors.KeyringError as exc:
            raise _unavailable(exc) from None
    token = value.strip() if value and value.strip() else None
    register_secret(token)
    return token


def env_token() -> str | None:
    return os.environ.get(ENV_VAR, "").strip() or None


def store_token(token: str, binding: AccountBinding) -> None:
    token = (token or "").strip()
    if not token:
        raise DomainError("The Back Market token is empty.", reason="no_token")
    register_secret(token)  # from now on the log redactor knows it
    with _lock:
        try:
            keyring.set_password(SERVICE, binding.username, token)
        except keyring.errors.KeyringError as exc:
            raise _unavailable(exc) from None
    log.info("Back Market token stored in the keyring for this database and %s", binding.base_url)


def keyring_token(binding: AccountBinding | None) -> str | None:
    """The keyring's token for exactly this database and address; None without a binding."""
    return _get(binding.username) if binding is not None else None


def read_token(binding: AccountBinding | None = None) -> str | None:
    """The environment variable wins; then the keyring's token for this binding; None when neither has one."""
    return env_token() or keyring_token(binding)


def legacy_token_present() -> bool:
    """An older version's token, stored for no database in particular: it is never used."""
    return _get(USERNAME) is not None


def delete_token(binding: AccountBinding) -> None:
    with _lock:
        for username in (binding.username, USERNAME):
            try:
                keyring.delete_password(SERVICE, username)
            except keyring.errors.PasswordDeleteError:
                pass  # nothing stored: already in the state the caller wants
            except keyring.errors.KeyringError as exc:
                raise _unavailable(exc) from None
    log.info("Back Market token removed from the keyring")


def token_source(binding: AccountBinding | None = None) -> str | None:
    """Where the token would come from: "environment", "keyring" or None."""
    if env_token():
        return "environment"
    return "keyring" if keyring_token(binding) else None
