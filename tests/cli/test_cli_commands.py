"""Single commands: init, settings, define, import errors, where the database comes from."""

from __future__ import annotations

import sqlite3

import pytest

from tests.cli.cli_helpers import Cli
from tests.dbfixtures import make_imei

HEADER = "imei,manufacturer,model,model_number,network,capacity,color,grade,conditions,status,warehouse,sku\n"


@pytest.fixture
def cli(tmp_path):
    return Cli(f"sqlite:///{tmp_path / 'cli.sqlite3'}", tmp_path / "data")


def test_settings_get_and_set(cli):
    cli.run("init")
    assert cli.run("settings", "get", "catalog.sku_unique").stdout == "true\n"
    cli.run("settings", "set", "catalog.sku_unique", "off")
    assert cli.run("settings", "get", "catalog.sku_unique").stdout == "false\n"
    cli.run("define", "status", "Refurbished")  # a counted status must exist in the list
    cli.run("settings", "set", "backmarket.statuses", "Available,Refurbished")
    assert cli.json("settings", "get", "backmarket.statuses") == ["Available", "Refurbished"]
    bad = cli.run("settings", "set", "catalog.sku_unique", "maybe", ok=False)
    assert "takes true or false" in bad.stderr
    unknown = cli.run("settings", "get", "no.such", ok=False)
    assert "Unknown setting" in unknown.stderr and len(unknown.stderr.strip().splitlines()) == 1


def test_define_is_idempotent(cli, tmp_path):
    cli.run("init")
    for _ in range(2):
        cli.run("define", "warehouse", "Annex")
        cli.run("define", "status", "Refurbished", "--sellable")
        cli.run("define", "grade", "A-")
        cli.run("define", "condition", "wd", "Water Damage")
        cli.run("define", "order-status", "On hold", "--open")
    cli.run("define", "status", "refurbished")  # without --sellable an existing status keeps its flag
    with sqlite3.connect(tmp_path / "cli.sqlite3") as conn:
        assert conn.execute("SELECT COUNT(*) FROM warehouses WHERE name='Annex'").fetchone() == (1,)
        assert conn.execute("SELECT sellable FROM inventory_statuses WHERE name='Refurbished'").fetchone() == (1,)
        assert conn.execute("SELECT COUNT(*) FROM grades").fetchone() == (7,)  # 5 defaults + A- + Ungraded (purchasing)
        assert conn.execute("SELECT name FROM conditions WHERE code='WD'").fetchone() == ("Water Damage",)
        assert conn.execute("SELECT is_open, allows_commit FROM order_statuses WHERE name='On hold'").fetchone() == (1, 0)
    stock = HEADER + f"{make_imei(1)},Apple,iPhone,,,,,A-,WD,Refurbished,Annex,\n"
    path = tmp_path / "s.csv"
    path.write_text(stock)
    cli.run("import-inventory", str(path))
    number = cli.run("order", "create", "--customer", "Z", "--line", f"variation={cli.json('catalog')[0]['id']},qty=1").stdout.strip()
    cli.run("fulfil", number, "--scan", make_imei(1))  # the new status is sellable


def test_import_bad_file_lists_every_bad_row_and_imports_nothing(cli, tmp_path):
    cli.run("init")
    rows = [f"{make_imei(1)},Apple,iPhone,,,,,A,,Available,Main,\n",
            f"{make_imei(2)}9,Apple,iPhone,,,,,A,,Available,Main,\n",
            f"{make_imei(3)},Apple,iPhone,,,,,Q,,Available,Main,\n",
            f"{make_imei(1)},Apple,iPhone,,,,,A,,Available,Main,\n",
            f"{make_imei(5)},Apple,iPhone,,,,,A,,Available,Attic,\n"]
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "".join(rows))
    proc = cli.run("import-inventory", str(path), ok=False)
    assert proc.returncode == 1
    assert "4 bad rows in bad.csv; nothing was imported" in proc.stderr
    for line, words in [(3, "16 digits"), (4, "unknown grade “Q”"), (5, "also on line 2"), (6, "unknown warehouse “Attic”")]:
        assert f"line {line}: " in proc.stderr and words in proc.stderr
    assert cli.json("catalog", "--json") == []
    missing = cli.run("import-inventory", str(tmp_path / "nope.csv"), ok=False)
    assert "no such file" in missing.stderr


def test_db_option_comes_before_the_subcommand(cli):
    cli.run("init")
    assert cli.run("catalog", "--db", cli.url, db=False, ok=False).returncode == 2  # argparse: not after


def test_refurbdesk_db_environment_variable_is_honoured(tmp_path):
    target = tmp_path / "from-env.sqlite3"
    cli = Cli(None, tmp_path / "data", REFURBDESK_DB=f"sqlite:///{target}")
    assert str(target) in cli.run("init").stdout
    assert target.exists() and not (tmp_path / "data" / "refurbdesk.sqlite3").exists()
    explicit = tmp_path / "explicit.sqlite3"
    cli.url = f"sqlite:///{explicit}"
    cli.run("init")  # --db wins over the variable
    assert explicit.exists()


def test_default_database_lives_in_the_data_folder(tmp_path):
    cli = Cli(None, tmp_path / "data")
    assert cli.run("settings", "get", "catalog.sku_unique").stdout == "true\n"  # created and initialised on first use
    assert (tmp_path / "data" / "refurbdesk.sqlite3").exists()
