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
import sys
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
    missing = False  # True: no password store is installed (False: one exists but refused)


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


NO_STORE = "No secure password store (keyring) is available on this computer"


def what_it_can_install(platform: str | None = None) -> str:
    """What IT can do about a missing password store, for this computer's system, in a manager's words."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        fix = ("Windows Credential Manager is built into Windows: if it cannot be used, RefurbDesk's keyring support "
               "is missing from this installation — ask IT to reinstall RefurbDesk, or to check that this Windows "
               "user may use Credential Manager.")
    elif platform == "darwin":
        fix = ("The macOS Keychain is built into macOS: ask IT to check that this user's login keychain exists and "
               "is unlocked (Keychain Access), or to reinstall RefurbDesk.")
    else:
        fix = ("Ask IT to install a password store that offers the Secret Service: GNOME Keyring (package "
               "gnome-keyring) or KDE's KWallet, started with the desktop session. A server without a desktop "
               "has none: use the environment variable there.")
    return f"{fix} Or IT can set {ENV_VAR} for RefurbDesk on this computer; the token is then read from there."


def _no_backend(backend) -> bool:
    """keyring found nothing usable: its fail or null backend, or a chain of no backends."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return True
    return isinstance(backend, chainer.ChainerBackend) and not backend.backends


def _unavailable(exc: Exception) -> SecretStoreUnavailable:
    if isinstance(exc, keyring.errors.NoKeyringError):
        # keyring's own advice (pip packages, "details…") is for developers, not for a warehouse manager.
        missing = SecretStoreUnavailable(f"{NO_STORE}, so the Back Market token cannot be stored here. "
                                         f"{what_it_can_install()}")
        missing.missing = True  # none installed at all, rather than one that refused
        return missing
    # Another failure (locked, refused): the backend's words help IT; they never contain the token.
    detail = " ".join((str(exc).strip() or type(exc).__name__).split())[:200]
    return SecretStoreUnavailable(f"{NO_STORE}: the password store refused ({detail}). Unlock it and try again, "
                                  f"or ask IT to set {ENV_VAR} instead.")


def store_problem() -> SecretStoreUnavailable | None:
    """Why a token cannot be kept on this computer, or None when the password store answers.

    Asked even when REFURBDESK_BACKMARKET_TOKEN is set, so the screen can say that the environment
    token is used *instead*. May block (a locked wallet): never call it on the GUI thread."""
    backend = keyring.get_keyring()
    if _no_backend(backend):
        return _unavailable(keyring.errors.NoKeyringError())
    try:
        _get(USERNAME)
    except SecretStoreUnavailable as exc:
        return exc
    return None


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
