"""export-inventory never destroys a file it should not (issue #9 finding 10): the open database and
any SQLite file are refused, and an export is written atomically so a failure leaves the old file."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from app.domain import csv_export
from app.domain.csv_export import check_export_target, export_inventory_file
from app.domain.errors import InvalidInput
from tests.cli.cli_helpers import Cli
from tests.dbfixtures import make_imei, receive

HEADER = "imei,manufacturer,model,model_number,network,capacity,color,grade,conditions,status,warehouse,sku\n"


@pytest.fixture
def cli(tmp_path):
    return Cli(f"sqlite:///{tmp_path / 'cli.sqlite3'}", tmp_path / "data")


def stock(cli, tmp_path, n=2):
    cli.run("init")
    rows = "".join(f"{make_imei(i)},Apple,iPhone,,,,,A,,Available,Main,\n" for i in range(1, n + 1))
    (tmp_path / "in.csv").write_text(HEADER + rows)
    cli.run("import-inventory", str(tmp_path / "in.csv"))


def one_line(proc) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_export_onto_the_open_database_is_refused(cli, tmp_path):
    stock(cli, tmp_path)
    database = tmp_path / "cli.sqlite3"
    before = database.read_bytes()
    line = one_line(cli.run("export-inventory", str(database), ok=False))
    assert "open database" in line
    assert database.read_bytes() == before
    assert sum(sum(v["units"].values()) for v in cli.json("catalog", "--json")) == 2


def test_export_onto_any_sqlite_file_is_refused(cli, tmp_path):
    stock(cli, tmp_path)
    other = tmp_path / "backup.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    before = other.read_bytes()
    line = one_line(cli.run("export-inventory", str(other), ok=False))
    assert "database file (SQLite)" in line
    assert other.read_bytes() == before


def test_export_replaces_a_previous_csv_and_leaves_no_temporary_file(cli, tmp_path):
    stock(cli, tmp_path)
    out = tmp_path / "out" / "stock.csv"
    out.parent.mkdir()
    out.write_text("old export\n")
    assert "Exported 2 units" in cli.run("export-inventory", str(out)).stdout
    assert out.read_text().startswith("imei,") and out.read_text().count("\n") == 3
    assert os.listdir(out.parent) == ["stock.csv"]


def test_the_wal_of_the_open_database_and_folders_are_refused(tmp_path):
    database = tmp_path / "db.sqlite3"
    with pytest.raises(InvalidInput, match="open database"):
        check_export_target(tmp_path / "db.sqlite3-wal", database)
    with pytest.raises(InvalidInput, match="folder"):
        check_export_target(tmp_path, database)
    check_export_target(tmp_path / "new.csv", database)


def test_a_failed_export_leaves_the_previous_file_intact(db, tmp_path, monkeypatch):
    for n in range(1, 4):
        receive(db, make_imei(n))
    out = tmp_path / "stock.csv"
    out.write_text("the previous export\n")
    written = []

    def failing(cell):  # a fault in the middle of the file (disk full, a read error): cannot be made for real here
        written.append(cell)
        if len(written) > 20:
            raise OSError(28, "No space left on device")
        return cell

    monkeypatch.setattr(csv_export, "neutralise_cell", failing)
    with pytest.raises(InvalidInput, match="left as it was"):
        with db.reads() as s:
            export_inventory_file(s, out)
    assert out.read_text() == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "refurbdesk.sqlite3" and not p.name.startswith("refurbdesk.sqlite3-")) == ["stock.csv"]
    monkeypatch.undo()
    with db.reads() as s:
        assert export_inventory_file(s, out) == 3
    assert out.read_text().count("\n") == 4
