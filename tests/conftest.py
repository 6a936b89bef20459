"""Shared test set-up: Qt offscreen, an in-memory keyring, temporary databases."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("REFURBDESK_BACKMARKET_TOKEN", None)
os.environ.pop("REFURBDESK_DB", None)
# PIN hashes at a low scrypt cost for speed; the production default stays OWASP (tests/domain/test_users.py).
os.environ.setdefault("REFURBDESK_SCRYPT_N", "1024")
for _name in ("REFURBDESK_OPERATOR", "REFURBDESK_PIN"):
    os.environ.pop(_name, None)

import keyring  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402

import pytest  # noqa: E402


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in memory, so tests never touch (or need) the OS keyring."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring():
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def nobody_signed_in():
    """The signed-in operator is process-wide: every test starts and ends with nobody signed in."""
    from app.domain.station import set_operator

    set_operator(None)
    yield
    set_operator(None)
