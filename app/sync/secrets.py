"""The Back Market token: in the OS keyring (or REFURBDESK_BACKMARKET_TOKEN), nowhere else.

Never written to the database, a config file or a log. Keyring backends are not all thread-safe
(the GUI thread and the sync worker may both ask), so every access goes through one lock.
"""

from __future__ import annotations

import logging
import os
import threading

import keyring
import keyring.errors

from app.domain.errors import DomainError
from app.logs import register_secret

log = logging.getLogger(__name__)

SERVICE = "RefurbDesk"
USERNAME = "backmarket-token"
ENV_VAR = "REFURBDESK_BACKMARKET_TOKEN"

_lock = threading.Lock()


class SecretStoreUnavailable(DomainError):
    """No usable keyring backend on this computer (a headless server, a frozen app missing a backend)."""

    reason = "no_keyring"


def _unavailable(exc: Exception) -> SecretStoreUnavailable:
    # The backend's own words help IT; they never contain the token.
    detail = str(exc).strip() or type(exc).__name__
    return SecretStoreUnavailable(
        f"No secure password store (keyring) is available on this computer: {detail}. "
        f"Install or unlock one, or set {ENV_VAR} instead."
    )


def store_token(token: str) -> None:
    token = (token or "").strip()
    if not token:
        raise DomainError("The Back Market token is empty.", reason="no_token")
    register_secret(token)  # from now on the log redactor knows it
    with _lock:
        try:
            keyring.set_password(SERVICE, USERNAME, token)
        except keyring.errors.KeyringError as exc:
            raise _unavailable(exc) from None
    log.info("Back Market token stored in the keyring")


def read_token() -> str | None:
    """The environment variable wins (servers, tests); then the keyring; None when neither has one."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return env
    with _lock:
        try:
            value = keyring.get_password(SERVICE, USERNAME)
        except keyring.errors.KeyringError as exc:
            raise _unavailable(exc) from None
    token = value.strip() if value and value.strip() else None
    register_secret(token)
    return token


def delete_token() -> None:
    with _lock:
        try:
            keyring.delete_password(SERVICE, USERNAME)
        except keyring.errors.PasswordDeleteError:
            pass  # nothing stored: already in the state the caller wants
        except keyring.errors.KeyringError as exc:
            raise _unavailable(exc) from None
    log.info("Back Market token removed from the keyring")


def token_source() -> str | None:
    """Where the token would come from: "environment", "keyring" or None (for the settings screen)."""
    if os.environ.get(ENV_VAR, "").strip():
        return "environment"
    return "keyring" if read_token() else None
