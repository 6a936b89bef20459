"""The command line and the database it is pointed at: throw-away URLs and mistyped paths are refused
for every command, a newer database is refused untouched, and reads never wait for a writer."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys

import pytest

from tests.cli.cli_helpers import REPO, Cli
from tests.dbfixtures import make_imei

HEADER = "imei,manufacturer,model,model_number,network,capacity,color,grade,conditions,status,warehouse,sku\n"
THROWAWAY = ["sqlite://", "sqlite:///", "sqlite:///:memory:", ""]
COMMANDS = [
    ("import-inventory", "{csv}"),
    ("settings", "set", "catalog.sku_unique", "false"),
    ("define", "warehouse", "Back room"),
    ("catalog", "--json"),
    ("init",),
    ("gui",),
]


def _csv(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(HEADER + f"{make_imei(7)},Apple,iPhone 8,A1863,Unlocked,64GB,Gold,A,,Available,Main,\n")
    return str(path)


def _one_line_refusal(proc) -> str:
    assert proc.returncode != 0, proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("refurbdesk: "), proc.stderr
    return lines[0]


@pytest.mark.parametrize("url", THROWAWAY)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_throw_away_database_is_refused_for_every_command(tmp_path, url, command):
    cli = Cli(url, tmp_path / "data")
    argv = [a.format(csv=_csv(tmp_path)) for a in command]
    proc = cli.run("--db", url, *argv, ok=False, db=False)
    line = _one_line_refusal(proc)
    assert "throw-away" in line or "empty" in line or "names no file" in line
    assert "Imported" not in proc.stdout
    assert not (tmp_path / "data" / "refurbdesk.sqlite3").exists()  # not quietly the default file either


def test_a_throw_away_database_in_the_environment_is_refused(tmp_path):
    cli = Cli(None, tmp_path / "data", REFURBDESK_DB="sqlite:///:memory:")
    line = _one_line_refusal(cli.run("import-inventory", _csv(tmp_path), ok=False))
    assert "throw-away" in line


@pytest.mark.parametrize("command", [c for c in COMMANDS if c[0] != "init"], ids=lambda c: c[0])
def test_a_mistyped_database_path_is_not_created(tmp_path, command):
    typo = tmp_path / "Refurbdsk" / "refurbdesk.sqlite3"
    cli = Cli(f"sqlite:///{typo}", tmp_path / "data")
    proc = cli.run(*[a.format(csv=_csv(tmp_path)) for a in command], ok=False)
    line = _one_line_refusal(proc)
    assert f"no database at {typo}" in line and "init" in line
    assert not typo.parent.exists()


def test_init_creates_and_then_every_command_opens_it(tmp_path):
    target = tmp_path / "new folder" / "shop.sqlite3"
    cli = Cli(f"sqlite:///{target}", tmp_path / "data")
    assert "Database ready" in cli.run("init").stdout
    assert "Imported 1 unit " in cli.run("import-inventory", _csv(tmp_path)).stdout
    assert sum(sum(v["units"].values()) for v in cli.json("catalog", "--json")) == 1


def test_a_database_file_without_tables_is_not_filled_outside_init(tmp_path):
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (x TEXT)")
    cli = Cli(f"sqlite:///{other}", tmp_path / "data")
    line = _one_line_refusal(cli.run("define", "warehouse", "X", ok=False))
    assert "no RefurbDesk tables" in line
    with sqlite3.connect(other) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["notes"]


def test_a_newer_database_is_refused_untouched(tmp_path):
    path = tmp_path / "shop.sqlite3"
    cli = Cli(f"sqlite:///{path}", tmp_path / "data")
    cli.run("init")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    for command in (("catalog", "--json"), ("init",), ("define", "warehouse", "X")):
        line = _one_line_refusal(cli.run(*command, ok=False))
        assert "this database was written by a newer RefurbDesk (revision 0099); install that version" in line
    assert list(tmp_path.glob("*.bak")) == []
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_catalog_answers_while_another_station_holds_the_write_lock(tmp_path):
    path = tmp_path / "shop.sqlite3"
    cli = Cli(f"sqlite:///{path}", tmp_path / "data")
    cli.run("init")
    cli.run("import-inventory", _csv(tmp_path))
    writer = sqlite3.connect(str(path), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # an import on another station, mid-transaction
    writer.execute("INSERT INTO warehouses (name) VALUES ('Held')")
    try:
        proc = subprocess.Popen([sys.executable, "-m", "app", "--db", cli.url, "catalog", "--json"], env=cli.env,
                                cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            out, err = proc.communicate(timeout=60)  # the deadline; it should answer at once
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        assert proc.returncode == 0, err
        assert sum(sum(v["units"].values()) for v in json.loads(out)) == 1
    finally:
        writer.execute("ROLLBACK")
        writer.close()
