"""The right account, the right database: a token belongs to one database (identity + location) and
one base URL; plain http only reaches loopback; a copy opened elsewhere needs the token again;
`demo` without the sandbox never syncs."""

from __future__ import annotations

import io
import shutil
import sqlite3
import sys

import pytest

from app.cli import main
from app.db import open_database
from app.domain import settings
from app.domain.errors import DomainError
from app.sync import config, secrets
from app.sync.config import NoToken, build_client
from tests.sync.sync_helpers import configure, make_db

TOKEN = "tok-bound-Zq81-very-secret"
AGAIN = "set the back market token again for this database and url"


def backup_copy(source, target) -> None:
    """A backup as SQLite makes one (the WAL included), while the command's connection may be open."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    dst.close()
    src.close()


def listings_seen(db) -> int:
    with build_client(db, timeout=5.0, request_budget=None) as client:
        return len(list(client.iter_listings()))


@pytest.fixture
def bound(tmp_path, sandbox):
    sandbox.store.add_token(TOKEN)
    sandbox.store.add_listing("IP13-A", "iPhone 13", "EXCELLENT", "429.00", quantity=0)
    db = make_db(tmp_path, "shop.sqlite3")
    configure(db, api_url=sandbox.url)
    config.store_token(db, TOKEN)
    yield db
    db.dispose()


def test_the_token_works_for_the_database_and_url_it_was_stored_for(bound, memory_keyring):
    assert listings_seen(bound) == 1
    assert config.token_state(bound) == "keyring"
    assert TOKEN in memory_keyring.secrets.values()
    assert (secrets.SERVICE, secrets.USERNAME) not in memory_keyring.secrets  # never the one shared slot


def test_a_copy_opened_at_another_path_finds_no_token(bound, tmp_path):
    bound.dispose()
    copy = tmp_path / "backup" / "shop-copy.sqlite3"
    copy.parent.mkdir()
    shutil.copy2(tmp_path / "shop.sqlite3", copy)
    other = open_database(f"sqlite:///{copy}")
    try:
        with pytest.raises(NoToken) as refused:
            build_client(other)
        assert AGAIN in str(refused.value).lower() and "\n" not in str(refused.value)
        assert config.token_state(other) == "set_again"
    finally:
        other.dispose()
    assert listings_seen(bound) == 1  # the original still syncs


def test_a_changed_base_url_finds_no_token(bound, sandbox):
    configure(bound, api_url=sandbox.url.replace("127.0.0.1", "localhost"))
    with pytest.raises(NoToken) as refused:
        build_client(bound)
    assert AGAIN in str(refused.value).lower()
    configure(bound, api_url=sandbox.url)
    assert listings_seen(bound) == 1


def test_a_new_database_at_the_same_path_is_not_the_old_one(tmp_path, sandbox):
    sandbox.store.add_token(TOKEN)
    db = make_db(tmp_path, "shop.sqlite3")
    configure(db, api_url=sandbox.url)
    config.store_token(db, TOKEN)
    db.dispose()
    (tmp_path / "shop.sqlite3").unlink()
    fresh = make_db(tmp_path, "shop.sqlite3")
    configure(fresh, api_url=sandbox.url)
    try:
        with pytest.raises(NoToken):
            build_client(fresh)
    finally:
        fresh.dispose()


def test_the_environment_variable_is_explicit_and_still_works(bound, tmp_path, monkeypatch):
    bound.dispose()
    copy = tmp_path / "elsewhere.sqlite3"
    shutil.copy2(tmp_path / "shop.sqlite3", copy)
    monkeypatch.setenv(secrets.ENV_VAR, TOKEN)
    other = open_database(f"sqlite:///{copy}")
    try:
        assert config.token_state(other) == "environment"
        assert listings_seen(other) == 1
    finally:
        other.dispose()


def test_plain_http_to_another_host_is_refused_even_if_an_old_version_stored_it(bound):
    from app.models import Setting

    with bound.sessions.begin() as s:
        s.get(Setting, "backmarket.api_url").value = '"http://192.168.1.20:8765"'
    with pytest.raises(DomainError) as refused:
        build_client(bound)
    assert "clear" in str(refused.value) and "\n" not in str(refused.value)


def test_the_token_is_in_no_database_row(bound):
    bound.dispose()
    from pathlib import Path

    raw = Path(bound.url.removeprefix("sqlite:///")).read_bytes()
    assert TOKEN.encode() not in raw


def test_postgresql_location_leaves_the_password_out():
    where = config.database_location("postgresql+psycopg://shop:hunter2@db.local:5432/refurb")
    assert "hunter2" not in where and "db.local" in where and "refurb" in where


def test_cli_token_set_binds_to_the_database_it_names(tmp_path, monkeypatch, capsys, sandbox):
    monkeypatch.setenv("REFURBDESK_DATA_DIR", str(tmp_path / "data"))
    first = make_db(tmp_path, "a.sqlite3")
    second = make_db(tmp_path, "b.sqlite3")
    configure(first, api_url=sandbox.url)
    configure(second, api_url=sandbox.url)
    url_a, url_b = first.url, second.url
    first.dispose()
    second.dispose()
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{TOKEN}\n"))
    assert main(["--db", url_a, "backmarket", "token", "set"]) == 0
    assert TOKEN not in capsys.readouterr().out
    assert main(["--db", url_a, "backmarket", "token", "status"]) == 0
    capsys.readouterr()
    assert main(["--db", url_b, "backmarket", "token", "status"]) == 1
    assert "No Back Market token" in capsys.readouterr().out
    backup_copy(tmp_path / "a.sqlite3", tmp_path / "a-copy.sqlite3")
    assert main(["--db", f"sqlite:///{tmp_path / 'a-copy.sqlite3'}", "backmarket", "token", "status"]) == 1
    assert AGAIN in capsys.readouterr().out.lower()
    assert main(["--db", url_a, "backmarket", "token", "clear"]) == 0
    assert main(["--db", url_a, "backmarket", "token", "status"]) == 1


def test_demo_without_the_sandbox_never_syncs(tmp_path, monkeypatch):
    from app.cli.gui_cmds import prepare_demo

    # A seller's production token is at hand in both places a client could find it.
    monkeypatch.setenv(secrets.ENV_VAR, TOKEN)
    url, server = prepare_demo(tmp_path, sandbox=False)
    assert server is None
    assert secrets.ENV_VAR not in __import__("os").environ
    db = open_database(url)
    try:
        with db.reads() as s:
            assert settings.get(s, "backmarket.enabled") is False
            assert settings.get(s, "backmarket.api_url") == ""
        config.store_token(db, TOKEN)  # even a token stored for it is never used on a real host
        for address in ("", "https://www.backmarket.fr"):
            configure(db, api_url=address)
            with pytest.raises(DomainError) as refused:
                build_client(db)
            assert "demo" in str(refused.value)
        with pytest.raises(DomainError):
            build_client(db, token=TOKEN)
    finally:
        db.dispose()


def test_demo_with_the_sandbox_syncs_with_the_sandbox_only(tmp_path, monkeypatch):
    from app.cli.gui_cmds import prepare_demo

    monkeypatch.setenv(secrets.ENV_VAR, "")  # restored (unset) afterwards: prepare_demo sets the demo token
    url, server = prepare_demo(tmp_path, sandbox=True)
    db = open_database(url)
    try:
        with build_client(db, timeout=5.0, request_budget=None) as client:
            assert len(list(client.iter_listings())) > 0
        configure(db, api_url="https://www.backmarket.fr")
        with pytest.raises(DomainError):
            build_client(db)
    finally:
        db.dispose()
        server.stop()
