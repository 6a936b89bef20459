"""The ShipStation command line: configure (validated before saving), key set (stdin, keyring, bound to
the database and address), stores, status, and order create --ship-to."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import keyring
import pytest
from keyring.backends import fail

from sqlalchemy import select

from app.cli import main
from app.db import open_database
from app.domain import addresses, orders, settings
from app.integrations.shipstation import secrets
from app.integrations.shipstation.config import key_binding
from app.models import Order
from tests.shipstation.ss_helpers import KEY, enable
from tests.sync.sync_helpers import make_db, receive


@pytest.fixture
def db_url(tmp_path, monkeypatch):
    monkeypatch.setenv("REFURBDESK_DATA_DIR", str(tmp_path / "data"))
    make_db(tmp_path).dispose()
    return f"sqlite:///{tmp_path / 't.sqlite3'}"


def test_configure_validates_everything_before_saving(db_url, capsys):
    assert main(["--db", db_url, "shipstation", "configure", "--enabled", "on", "--push-statuses", "New,Nope"]) == 1
    assert "Nope" in capsys.readouterr().err
    assert main(["--db", db_url, "shipstation", "configure", "--push-statuses", "Shipped"]) == 1
    assert "Only open order statuses" in capsys.readouterr().err
    assert main(["--db", db_url, "shipstation", "configure", "--api-url", "ftp://x"]) == 1
    capsys.readouterr()
    # The key goes in every request: plain http only to this computer (the sandbox), as in the panel.
    assert main(["--db", db_url, "shipstation", "configure", "--api-url", "http://ssapi.example.com"]) == 1
    err = capsys.readouterr().err
    assert "plain http:// is only for the local sandbox" in err and len(err.strip().splitlines()) == 1
    db = open_database(db_url)
    with db.reads() as s:
        assert settings.get(s, "shipstation.enabled") is False  # the refused commands changed nothing
    assert main(["--db", db_url, "shipstation", "configure", "--enabled", "on", "--api-url", "http://127.0.0.1:9",
                 "--store-id", "22766", "--push-statuses", "ready to ship", "--backmarket-orders", "skip",
                 "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown == {"shipstation.enabled": True, "shipstation.api_url": "http://127.0.0.1:9",
                     "shipstation.store_id": 22766, "shipstation.push_statuses": ["Ready to ship"],
                     "shipstation.backmarket_orders": "skip"}


def test_key_set_reads_stdin_into_the_keyring_for_this_database_and_address(db_url, monkeypatch, memory_keyring,
                                                                          capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("my-key:my-secret\n"))
    assert main(["--db", db_url, "shipstation", "key", "set"]) == 0
    out = capsys.readouterr().out
    assert "my-secret" not in out and "my-key" not in out
    db = open_database(db_url)
    assert secrets.read_key(key_binding(db)) == "my-key:my-secret"
    assert main(["--db", db_url, "shipstation", "key", "status"]) == 0
    main(["--db", db_url, "shipstation", "configure", "--api-url", "http://127.0.0.1:9"])
    capsys.readouterr()
    assert main(["--db", db_url, "shipstation", "key", "status"]) == 1  # another address: not that key
    assert "No ShipStation key" in capsys.readouterr().out


def test_key_set_refuses_a_malformed_key_and_a_missing_keyring_in_one_line(db_url, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("only-a-key\n"))
    assert main(["--db", db_url, "shipstation", "key", "set"]) == 1
    err = capsys.readouterr().err
    assert "KEY:SECRET" in err and "only-a-key" not in err and len(err.strip().splitlines()) == 1
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-key:a-secret\n"))
    assert main(["--db", db_url, "shipstation", "key", "set"]) == 1
    err = capsys.readouterr().err
    assert "keyring" in err and secrets.ENV_VAR in err and "a-secret" not in err


def test_order_create_with_ship_to(db_url, capsys):
    receive(open_database(db_url), "PX7-128", 1)
    code = main(["--db", db_url, "order", "create", "--customer", "Jeanne Martin", "--line", "sku=PX7-128,qty=1",
                 "--ship-to", "name=Jeanne Martin,street1=12 rue de la Paix,city=Paris,postal_code=75002,country=fr"])
    assert code == 0
    number = capsys.readouterr().out.strip()
    db = open_database(db_url)
    with db.reads() as s:
        address = addresses.get_address(s, orders.get_order(s, number).id)
    assert (address.name, address.street1, address.city, address.postal_code, address.country) == (
        "Jeanne Martin", "12 rue de la Paix", "Paris", "75002", "FR")


@pytest.mark.parametrize("ship_to, words", [
    ("name=Jeanne,city=Paris,postal_code=75002,country=FR", "needs street1"),
    ("name=Jeanne,street1=1 rue,city=Paris,postal_code=75002,country=France", "two-letter code"),
    ("name=Jeanne,street1=1 rue,city=Paris,postal_code=75002,country=FR,floor=3", "unknown field floor"),
    ("Jeanne Martin, Paris", "key=value"),
])
def test_a_bad_ship_to_is_refused_and_no_order_is_created(db_url, capsys, ship_to, words):
    receive(open_database(db_url), "PX7-128", 1)
    assert main(["--db", db_url, "order", "create", "--customer", "J", "--line", "sku=PX7-128,qty=1",
                 "--ship-to", ship_to]) == 1
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1
    with open_database(db_url).reads() as s:
        assert s.scalar(select(Order.id)) is None


def test_stores_and_status_against_the_sandbox_and_the_key_in_no_file(tmp_path, sandbox, monkeypatch):
    db = make_db(tmp_path)
    enable(db, sandbox)
    env = dict(os.environ, REFURBDESK_DATA_DIR=str(tmp_path / "data"), REFURBDESK_SHIPSTATION_KEY=KEY)
    run = lambda *args: subprocess.run([sys.executable, "-m", "app", "-v", "--db", db.url, *args],  # noqa: E731
                                       capture_output=True, text=True, env=env, timeout=60)
    done = run("shipstation", "stores")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["name"] == "ShipStation Manual Store"
    done = run("shipstation", "status")
    assert done.returncode == 0 and "waiting_for_label" in done.stdout
    sandbox.store.revoke_key(KEY)
    done = run("shipstation", "stores")
    assert done.returncode == 1 and "did not accept the API key" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    db.dispose()
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".log" for p in written)
    for path in written:
        data = path.read_bytes()
        assert b"test-api-secret" not in data and b"test-api-key" not in data, path


def test_with_operators_a_packer_may_not_touch_the_key_or_settings_but_the_sync_keeps_its_checkpoints(
        db_url, monkeypatch, memory_keyring, capsys, sandbox, client):
    from app.domain import users
    from app.domain.station import set_operator
    from tests.shipstation.ss_helpers import steps

    db = open_database(db_url)
    enable(db, sandbox)
    with db.sessions.begin() as s:
        users.add_user(s, "Ada", "admin", "9876")
        set_operator(users.authenticate(s, "Ada", "9876"))
        users.add_user(s, "Sam", "packer", "1234")
    set_operator(None)
    monkeypatch.setenv("REFURBDESK_OPERATOR", "Sam")
    monkeypatch.setenv("REFURBDESK_PIN", "1234")
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-key:a-secret\n"))
    try:
        assert main(["--db", db_url, "shipstation", "key", "set"]) == 1
        assert "manager" in capsys.readouterr().err and memory_keyring.secrets == {}
        assert main(["--db", db_url, "shipstation", "configure", "--enabled", "off"]) == 1
        assert "manager" in capsys.readouterr().err
        with db.sessions.begin() as s:
            set_operator(users.authenticate(s, "Sam", "1234"))
        steps(db, client)  # a packer's station runs the sync: checkpoints and health are the program's own
        with db.reads() as s:
            assert settings.get(s, "shipstation.last_run")["error"] is None
    finally:
        set_operator(None)
