"""The ShipStation key pair in the keyring, bound to a database and an API address; the env var wins."""

from __future__ import annotations

import pytest

from app.domain.errors import DomainError
from app.integrations.shipstation import secrets


def test_stored_key_is_bound_to_database_and_address(memory_keyring):
    live = secrets.key_binding("postgresql://shop@db/refurb", "https://ssapi.shipstation.com")
    sandbox = secrets.key_binding("postgresql://shop@db/refurb", "http://127.0.0.1:8123")
    other_db = secrets.key_binding("sqlite:///tmp/test.db", "https://ssapi.shipstation.com")
    secrets.store_key("live-key:live-secret", live)
    assert secrets.read_key(live) == "live-key:live-secret"
    assert secrets.read_key(sandbox) is None and secrets.read_key(other_db) is None
    assert secrets.key_source(live) == "keyring"
    assert all("live" not in name and "ssapi" not in name for _, name in memory_keyring.secrets)
    secrets.delete_key(live)
    assert secrets.read_key(live) is None and secrets.key_source(live) is None


def test_the_environment_variable_wins(monkeypatch):
    binding = secrets.key_binding("db", "https://ssapi.shipstation.com")
    secrets.store_key("kept:secret", binding)
    monkeypatch.setenv(secrets.ENV_VAR, "env-key:env-secret")
    assert secrets.read_key(binding) == "env-key:env-secret"
    assert secrets.key_source(binding) == "environment"


@pytest.mark.parametrize("bad", ["", "no-colon", ":secret", "key:", "key:sec ret"])
def test_a_malformed_key_is_refused_without_being_repeated(bad):
    with pytest.raises(DomainError) as caught:
        secrets.store_key(bad, secrets.key_binding("db", "x"))
    assert "KEY:SECRET" in str(caught.value) or "characters" in str(caught.value)
    if len(bad) > 4:
        assert bad not in str(caught.value)
