"""`define … --rename/--position` and `undefine … [--merge-into]`: a typo in a list is not forever."""

from __future__ import annotations

import pytest

from app.domain.csv_import import REQUIRED
from tests.cli.cli_helpers import Cli
from tests.dbfixtures import make_imei


@pytest.fixture
def cli(tmp_path):
    shell = Cli(f"sqlite:///{tmp_path / 'cli.sqlite3'}", tmp_path / "data")
    shell.run("init")
    return shell


def refused(cli, *args) -> str:
    proc = cli.run(*args, ok=False)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def _receive(cli, tmp_path, n: int, grade: str, sku: str) -> None:
    values = {"imei": make_imei(n), "manufacturer": "Apple", "model": "iPhone 8", "grade": grade,
              "status": "Available", "warehouse": "Main", "sku": sku}
    columns = [*REQUIRED, "sku"]
    path = tmp_path / f"in{n}.csv"
    path.write_text(",".join(columns) + "\n" + ",".join(values.get(c, "") for c in columns) + "\n")
    cli.run("import-inventory", str(path))


def test_rename_reorder_merge_and_delete_from_the_command_line(cli):
    assert cli.run("define", "grade", "b", "--rename", "B+").stdout == "Grade B renamed to B+\n"
    out = cli.run("define", "status", "Available", "--rename", "Ready", "--position", "3").stdout.splitlines()
    assert out[0].startswith("Status Available renamed to Ready; setting backmarket.statuses")
    assert out[1] == "Status Ready is number 3 of 10"
    assert cli.json("settings", "get", "backmarket.statuses") == ["Ready"]
    cli.run("define", "warehouse", "Annexe")
    cli.run("define", "warehouse", "Annex")
    assert cli.run("undefine", "warehouse", "annexe", "--merge-into", "Annex").stdout == (
        "Warehouse Annexe merged into Annex: 0 units moved\n")
    assert cli.run("undefine", "grade", "D").stdout == "Grade D deleted\n"
    assert cli.run("define", "condition", "cg", "--rename", "GL").stdout == "Condition CG renamed to GL\n"
    cli.run("define", "order-status", "On hold", "--open", "--position", "1")
    cli.run("define", "order-status", "On hold", "--rename", "Held", "--allows-commit")
    catalog_lists = cli.run("settings", "list").stdout
    assert "backmarket.statuses = [\"Ready\"]" in catalog_lists


def test_refusals_are_one_line_and_change_nothing(cli, tmp_path):
    _receive(cli, tmp_path, 1, "B", "IP8-B")
    assert refused(cli, "undefine", "grade", "B") == \
        "refurbdesk: Grade B is used by 1 unit and 1 SKU — merge it into another grade instead."
    assert "inventory.sold_status" in refused(cli, "undefine", "status", "Sold")
    assert "already a grade “C”" in refused(cli, "define", "grade", "B", "--rename", "c")
    assert "Unknown grade “Z”" in refused(cli, "undefine", "grade", "Z", "--merge-into", "A")
    assert "a code and a name" in refused(cli, "define", "condition", "LCD")
    # one transaction: the rename before the refused position is not kept either
    assert "A position is 1" in refused(cli, "define", "order-status", "New", "--rename", "Paid", "--position", "0")
    assert cli.run("settings", "get", "orders.new_status").stdout == "New\n"
    assert "unrecognized arguments: --position" in cli.run("define", "warehouse", "Main", "--position", "1",
                                                           ok=False).stderr
    assert cli.run("undefine", "grade", "B", "--merge-into", "A").stdout == "Grade B merged into A: 1 unit moved\n"
