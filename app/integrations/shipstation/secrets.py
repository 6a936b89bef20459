"""The ShipStation key pair (`KEY:SECRET`): in the OS keyring, or REFURBDESK_SHIPSTATION_KEY; nowhere else.

Never written to the database, a config file or a log. A stored key is bound to the database it was
set for and to the API address: a station pointed at another database, or a test database pointed at
the sandbox, never picks up the live account's key by accident. Keyring backends are not all
thread-safe (the GUI thread and the sync worker may both ask), so every access holds one lock.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading

import keyring
import keyring.errors

from app.domain.errors import DomainError
from app.integrations.shipstation.client import parse_key
from app.logs import register_secret
from app.sync.secrets import SecretStoreUnavailable

log = logging.getLogger(__name__)

ENV_VAR = "REFURBDESK_SHIPSTATION_KEY"
SERVICE = "RefurbDesk"  # the same keyring service as the Back Market token
USERNAME_PREFIX = "shipstation-key"

keyring_lock = threading.Lock()


def key_binding(database_identity: str, api_url: str) -> str:
    """The keyring entry's name for this database and API address (a digest: neither is readable in it)."""
    text = f"{database_identity.strip()}\n{api_url.strip().rstrip('/').lower()}"
    return f"{USERNAME_PREFIX}:{hashlib.sha256(text.encode()).hexdigest()[:24]}"


def _unavailable(exc: Exception) -> SecretStoreUnavailable:
    detail = str(exc).strip() or type(exc).__name__
    return SecretStoreUnavailable(
        f"No secure password store (keyring) is available on this computer: {detail}. "
        f"Install or unlock one, or set {ENV_VAR} instead."
    )


def store_key(key_and_secret: str, binding: str) -> None:
    try:
        parse_key(key_and_secret)
    except ValueError as exc:
        raise DomainError(f"The ShipStation key was not saved: {exc}.", reason="bad_key") from None
    _remember(key_and_secret.strip())
    with keyring_lock:
        try:
            keyring.set_password(SERVICE, binding, key_and_secret.strip())
        except keyring.errors.KeyringError as exc:
            raise _unavailable(exc) from None
    log.info("ShipStation key stored in the keyring")


def _remember(key: str | None) -> None:
    """The key and each half of it are secrets the log filter redacts."""
    register_secret(key)
    for part in (key or "").split(":", 1):
        register_secret(part)


def env_key() -> str | None:
    key = os.environ.get(ENV_VAR, "").strip() or None
    _remember(key)
    return key


def read_key(binding: str | None) -> str | None:
    """The environment variable wins (servers, tests); then the keyring; None when neither has one
    (or no binding: no key was ever stored for this database)."""
    env = env_key()
    if env:
        return env
    if binding is None:
        return None
    with keyring_lock:
        try:
            value = keyring.get_password(SERVICE, binding)
        except keyring.errors.KeyringError as exc:
            raise _unavailable(exc) from None
    key = value.strip() if value and value.strip() else None
    _remember(key)
    return key


def delete_key(binding: str) -> None:
    with keyring_lock:
        try:
            keyring.delete_password(SERVICE, binding)
        except keyring.errors.PasswordDeleteError:
            pass  # nothing stored: already what the caller wants
        except keyring.errors.KeyringError as exc:
            raise _unavailable(exc) from None
    log.info("ShipStation key removed from the keyring")


def key_source(binding: str | None) -> str | None:
    """"environment", "keyring" or None — for the Shipping panel (never the key itself)."""
    if os.environ.get(ENV_VAR, "").strip():
        return "environment"
    return "keyring" if read_key(binding) else None
