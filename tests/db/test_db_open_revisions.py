"""A database from a newer RefurbDesk is refused untouched; the backup before an upgrade holds the WAL too;
the schema check never takes the write lock."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from sqlalchemy import text

from app.db import make_engine, open_database, sqlite_path
from app.domain.setup import initialize
from app.models import migrate


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _set_revision(db, revision: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


def test_a_newer_database_is_refused_untouched(db):
    _set_revision(db, "0099")
    path = sqlite_path(db.url)
    db.dispose()  # fold the WAL back so the file on disk is the whole database
    before = _digest(path) if path else None
    with pytest.raises(migrate.NewerDatabase) as refused:
        initialize(db)
    message = str(refused.value)
    assert "newer RefurbDesk (revision 0099)" in message and "install that version" in message
    assert "\n" not in message and "Can't locate" not in message
    with pytest.raises(migrate.NewerDatabase):
        migrate.needs_upgrade(db.engine)
    with pytest.raises(migrate.NewerDatabase):
        migrate.upgrade(db.engine)
    assert migrate.current_revision(db.engine) == "0099"
    if path is not None:
        db.dispose()
        assert list(path.parent.glob("*.bak")) == []
        assert _digest(path) == before


def test_head_is_known_and_not_newer(db):
    assert migrate.head_revision() in migrate.known_revisions()
    assert not migrate.needs_upgrade(db.engine)


def test_the_backup_before_an_upgrade_holds_what_is_still_in_the_wal(tmp_path):
    path = tmp_path / "old.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine, "0001")
    engine.dispose()
    # Another station wrote a warehouse; its connection stays open and nothing checkpoints, so the
    # row is only in the -wal file, not in the main file.
    other = sqlite3.connect(str(path), isolation_level=None)
    other.execute("PRAGMA wal_autocheckpoint=0")
    other.execute("INSERT INTO warehouses (name) VALUES ('Back room')")
    try:
        assert path.with_name(path.name + "-wal").stat().st_size > 0
        db = open_database(f"sqlite:///{path}")
        try:
            backup = initialize(db)
        finally:
            db.dispose()
        assert backup is not None
        with sqlite3.connect(backup) as copy:
            assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
            assert copy.execute("SELECT name FROM warehouses").fetchall() == [("Back room",)]
    finally:
        other.close()


def test_the_schema_check_does_not_wait_for_a_writer(sqlite_db, monkeypatch):
    """A read-only start-up (current_revision, needs_upgrade) while another station holds the write lock."""
    monkeypatch.setattr("app.db.BUSY_TIMEOUT_S", 0.2)  # if it did wait, it would fail at once, not in 15 s
    url = sqlite_db.url
    sqlite_db.dispose()
    writer = sqlite3.connect(str(sqlite_path(url)), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO warehouses (name) VALUES ('Held')")
    try:
        reader = open_database(url, create=False)
        try:
            assert migrate.current_revision(reader.engine) == migrate.head_revision()
            assert not migrate.needs_upgrade(reader.engine)
        finally:
            reader.dispose()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
