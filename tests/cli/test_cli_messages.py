"""Database failures reach the user as one line in their words (no SQL, no traceback) with a non-zero
exit; `sync --once` fails when the cycle was skipped, failed or gave a message up.

The errors are real: SQLite's own lock, page limit (its "disk full"), read-only handle and a file
that is not a database; PostgreSQL's length check and a port nobody listens on.
"""

from __future__ import annotations

import json
import socket
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, event, text

from app.cli import main
from app.db_errors import explain
from app.models import OutboxMessage
from app.sync import lease
from app.sync.sandbox import SandboxServer
from tests.cli.cli_helpers import Cli
from tests.sync.sync_helpers import World, make_db

SQL_WORDS = ("SELECT", "INSERT", "UPDATE", "[SQL", "sqlalche.me", "Traceback", "\n")


def _said(exc, url=None) -> str:
    said = explain(exc, url)
    assert said, f"no words for {exc!r}"
    for word in SQL_WORDS:
        assert word not in said, said
    return said


def _raised(engine, sql: str, params=None):
    with pytest.raises(Exception) as raised:
        with engine.begin() as conn:
            conn.execute(text(sql), params or {})
    return raised.value


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sqlite_file(tmp_path):
    path = tmp_path / "t.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE things (name TEXT)")
    conn.close()
    return path


def test_locked(sqlite_file):
    holder = sqlite3.connect(str(sqlite_file), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    engine = create_engine(f"sqlite:///{sqlite_file}", connect_args={"timeout": 0.05})
    try:
        said = _said(_raised(engine, "INSERT INTO things VALUES ('x')"))
        assert "another station or process" in said and "try again" in said
    finally:
        engine.dispose()
        holder.execute("ROLLBACK")
        holder.close()


def test_disk_full(sqlite_file):
    engine = create_engine(f"sqlite:///{sqlite_file}")
    event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA max_page_count=3"))
    try:
        said = _said(_raised(engine, "INSERT INTO things VALUES (:v)", {"v": "x" * 100_000}),
                     f"sqlite:///{sqlite_file}")
        assert "disk" in said and "full" in said and str(sqlite_file) in said
    finally:
        engine.dispose()


def test_read_only_file(sqlite_file):
    engine = create_engine(f"sqlite:///file:{sqlite_file}?mode=ro&uri=true")
    try:
        assert "read-only" in _said(_raised(engine, "INSERT INTO things VALUES ('x')"))
    finally:
        engine.dispose()


def test_not_a_database(tmp_path):
    junk = tmp_path / "notes.sqlite3"
    junk.write_bytes(b"these are my notes, not a database" * 100)
    engine = create_engine(f"sqlite:///{junk}")
    try:
        assert "not a RefurbDesk database" in _said(_raised(engine, "SELECT * FROM things"), f"sqlite:///{junk}")
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgresql_value_too_long(pg_database_url):
    engine = create_engine(pg_database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE things (name VARCHAR(64))"))
        said = _said(_raised(engine, "INSERT INTO things VALUES (:v)", {"v": "x" * 100}))
        assert "longer than the database allows (at most 64 characters)" in said
    finally:
        engine.dispose()


def test_postgresql_connection_refused():
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/shop"
    engine = create_engine(url)
    try:
        said = _said(_raised(engine, "SELECT 1"), url)
        assert said.startswith(f"cannot reach the PostgreSQL server at 127.0.0.1:{make_port(url)}")
    finally:
        engine.dispose()


def make_port(url: str) -> str:
    return url.rsplit(":", 1)[1].split("/")[0]


# ---- through the real command --------------------------------------------------------------------


def _one_line(proc) -> str:
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for word in SQL_WORDS[:-1]:
        assert word not in lines[0], lines[0]
    return lines[0]


def test_the_command_says_not_a_database(tmp_path):
    junk = tmp_path / "notes.sqlite3"
    junk.write_bytes(b"these are my notes, not a database" * 100)
    line = _one_line(Cli(f"sqlite:///{junk}", tmp_path / "data").run("catalog", "--json", ok=None))
    assert "not a RefurbDesk database" in line


def test_the_command_names_the_server_it_cannot_reach(tmp_path):
    port = _free_port()
    cli = Cli(f"postgresql+psycopg://postgres:secret@127.0.0.1:{port}/shop", tmp_path / "data")
    line = _one_line(cli.run("catalog", "--json", ok=None))
    assert f"cannot reach the PostgreSQL server at 127.0.0.1:{port}" in line and "secret" not in line


def test_a_write_while_another_station_writes_says_busy(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("REFURBDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr("app.db.BUSY_TIMEOUT_S", 0.2)  # the real wait is 15 s; the error is the same
    url = make_db(tmp_path).url
    holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert main(["--db", url, "define", "warehouse", "Back room"]) == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "another station or process" in err and "INSERT" not in err


# ---- sync --once ---------------------------------------------------------------------------------


@pytest.fixture
def shop(tmp_path, monkeypatch, memory_keyring):
    monkeypatch.setenv("REFURBDESK_DATA_DIR", str(tmp_path / "data"))
    server = SandboxServer(port=0).start()
    server.store.add_token("messages-token")
    world = World(make_db(tmp_path), server, lambda _s: None, "messages-token")
    world.store.add_listing("IP13-A", "iPhone 13", "EXCELLENT", "429.00", quantity=0)
    try:
        yield world
    finally:
        world.db.dispose()
        server.stop()


def test_sync_once_succeeds_when_the_cycle_ran(shop, capsys):
    assert main(["--db", shop.db.url, "sync", "--once"]) == 0
    assert capsys.readouterr().out.startswith("Sync done")


def test_sync_once_fails_when_another_station_holds_the_sync(shop, capsys):
    assert lease.acquire(shop.db, "packing-2 (pid 7)")
    assert main(["--db", shop.db.url, "sync", "--once"]) == 1
    captured = capsys.readouterr()
    assert "skipped" in captured.out
    [line] = captured.err.strip().splitlines()
    assert "another station is syncing: packing-2 (pid 7)" in line


def test_sync_once_fails_when_a_message_was_given_up(shop, capsys):
    long_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    with shop.db.sessions.begin() as s:  # refused twice already: the next refusal gives it up
        s.add(OutboxMessage(kind="accept_line", attempts=2, next_attempt_at=long_ago, created_at=long_ago,
                            payload=json.dumps({"order_id": 999999, "sku": "IP13-A", "line_id": 1})))
    assert main(["--db", shop.db.url, "sync", "--once"]) == 1
    captured = capsys.readouterr()
    assert "given up" in captured.out
    [line] = captured.err.strip().splitlines()
    assert "given up" in line and "need attention" in line
