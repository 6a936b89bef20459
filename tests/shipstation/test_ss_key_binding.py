"""The ShipStation key is bound to the database's identity (database.id) and where it lives, and to the
API address — as the Back Market token is: a copy of the database, a new database at the same path,
or another address finds no key and asks for it again."""

from __future__ import annotations

import sqlite3

import pytest

from app.integrations.shipstation import config, secrets
from app.integrations.shipstation.config import NoKey, build_client
from tests.shipstation.ss_helpers import KEY
from tests.sync.sync_helpers import make_db


def _copy(source, target) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    dst.close()
    src.close()


def test_a_copied_database_asks_for_the_key_again(tmp_path, memory_keyring):
    db = make_db(tmp_path, "a.sqlite3")
    try:
        config.store_key(db, KEY)
        assert config.read_key(db) == KEY and config.key_state(db) == "keyring"
        build_client(db).close()
    finally:
        db.dispose()
    _copy(tmp_path / "a.sqlite3", tmp_path / "copy.sqlite3")
    copy = make_db(tmp_path, "copy.sqlite3")
    try:
        assert config.read_key(copy) is None and config.key_state(copy) is None
        with pytest.raises(NoKey, match="No ShipStation API key"):
            build_client(copy)
    finally:
        copy.dispose()
    # The key's entry names neither database nor address in clear.
    assert all(str(tmp_path) not in name and "a.sqlite3" not in name for _, name in memory_keyring.secrets)


def test_a_new_database_at_the_same_path_has_no_key(tmp_path):
    db = make_db(tmp_path, "a.sqlite3")
    config.store_key(db, KEY)
    db.dispose()
    (tmp_path / "a.sqlite3").unlink()
    fresh = make_db(tmp_path, "a.sqlite3")  # another database.id
    try:
        assert config.read_key(fresh) is None
    finally:
        fresh.dispose()


def test_another_address_needs_its_own_key_and_the_environment_wins(tmp_path, monkeypatch):
    db = make_db(tmp_path)
    try:
        config.store_key(db, KEY)
        from tests.shipstation.ss_helpers import enable

        class _Sandbox:
            url = "http://127.0.0.1:9"

        enable(db, _Sandbox())
        assert config.read_key(db) is None
        monkeypatch.setenv(secrets.ENV_VAR, "env-key:env-secret")
        assert config.read_key(db) == "env-key:env-secret" and config.key_state(db) == "environment"
        config.clear_key(db)  # clearing the keyring never touches the environment
        assert config.key_state(db) == "environment"
    finally:
        db.dispose()
