"""The command line: backmarket configure / token / map / rules / listings, and sync --once."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import keyring
import pytest
from keyring.backends import fail

from app.cli import main
from app.domain import settings
from app.sync import secrets
from tests.sync.sync_helpers import World, make_db, receive, variation_of


@pytest.fixture
def db_url(tmp_path, monkeypatch):
    monkeypatch.setenv("REFURBDESK_DATA_DIR", str(tmp_path / "data"))
    make_db(tmp_path)
    return f"sqlite:///{tmp_path / 't.sqlite3'}"


def test_configure_validates_then_saves(db_url, capsys):
    assert main(["--db", db_url, "backmarket", "configure", "--statuses", "Available,Nope"]) == 1
    assert "Nope" in capsys.readouterr().err
    assert main(["--db", db_url, "backmarket", "configure", "--order-status", "7=Cancelled"]) == 1
    assert "KEY" in capsys.readouterr().err
    assert main(["--db", db_url, "backmarket", "configure", "--order-status", "1=Shipped-ish"]) == 1
    code = main(["--db", db_url, "backmarket", "configure", "--platform", "us", "--preprod", "--mapping", "variation",
                 "--customer-name", "channel", "--statuses", "available,Repair", "--warehouses", "Main",
                 "--order-status", "1=Ready to ship", "--order-status", "refunded=Cancelled",
                 "--auto-accept", "on", "--since-days", "7", "--market", "en-us", "--json"])
    assert code == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["backmarket.statuses"] == ["Available", "Repair"]
    assert shown["backmarket.order_states"]["1"] == "Ready to ship"
    assert shown["backmarket.order_states"]["refunded"] == "Cancelled"
    assert shown["backmarket.preprod"] is True and shown["backmarket.auto_accept"] is True


def test_token_set_reads_stdin_into_the_keyring(db_url, monkeypatch, memory_keyring, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret-token\n"))
    assert main(["backmarket", "token", "set"]) == 0
    assert list(memory_keyring.secrets.values()) == ["s3cret-token"]  # one entry, for this database and address
    assert "s3cret-token" not in capsys.readouterr().out
    monkeypatch.setenv(secrets.ENV_VAR, "from-env")
    assert secrets.read_token() == "from-env"


def test_token_set_without_a_keyring_says_so(db_url, monkeypatch, capsys):
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret-token\n"))
    assert main(["backmarket", "token", "set"]) == 1
    err = capsys.readouterr().err
    assert "No secure password store (keyring) is available" in err and secrets.ENV_VAR in err
    assert "s3cret-token" not in err


def test_map_rules_and_listings(tmp_path, sandbox, naps, token, capsys, monkeypatch):
    monkeypatch.setenv("REFURBDESK_DATA_DIR", str(tmp_path / "data"))
    world = World(make_db(tmp_path), sandbox, naps, token)
    url = world.db.url
    world.store.add_listing("PX7-A", "Pixel 7", "EXCELLENT", "299.00", quantity=0)
    units = receive(world.db, None, 4, model="Pixel 7")
    assert main(["--db", url, "backmarket", "configure", "--mapping", "variation"]) == 0
    assert world.cycle().ok
    capsys.readouterr()
    assert main(["--db", url, "backmarket", "map", "px7-a", "--variation", str(variation_of(world.db, units[0]))]) == 0
    assert main(["--db", url, "backmarket", "rules", "PX7-A", "--reserve", "1", "--max-listed", "2"]) == 0
    capsys.readouterr()
    assert main(["--db", url, "backmarket", "listings", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["calculated_quantity"] == 2 and row["mapped_to"]["variation_id"] == variation_of(world.db, units[0])
    assert row["reserve"] == 1 and row["max_listed"] == 2 and row["quantity"] == 0
    assert main(["--db", url, "backmarket", "map", "PX7-A", "--clear"]) == 0
    capsys.readouterr()
    assert main(["--db", url, "backmarket", "listings", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["calculated_quantity"] is None and row["mapped_to"] is None and row["why"]
    assert main(["--db", url, "backmarket", "map", "NOPE", "--variation", "1"]) == 1


def _run(args, tmp_path, token):
    env = dict(os.environ, REFURBDESK_DATA_DIR=str(tmp_path / "data"), REFURBDESK_BACKMARKET_TOKEN=token)
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, env=env, timeout=60)


def test_sync_once_with_a_revoked_token_fails_in_words(tmp_path, sandbox, naps, token):
    world = World(make_db(tmp_path), sandbox, naps, token)
    world.store.add_listing("IP13-A", "iPhone 13", "EXCELLENT", "429.00", quantity=0)
    done = _run(["--db", world.db.url, "sync", "--once"], tmp_path, token)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Sync done: 1 listing,")
    world.store.revoke_token(token)
    done = _run(["--db", world.db.url, "sync", "--once"], tmp_path, token)
    assert done.returncode != 0
    assert "rejected the API token" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    with world.db.reads() as s:
        assert settings.get(s, "backmarket.api_url") == sandbox.url
