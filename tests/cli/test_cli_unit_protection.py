"""The unit-protection refusals at the command line: non-zero exit, one line on stderr, nothing changed."""

from __future__ import annotations

import pytest

from tests.cli.cli_helpers import Cli
from tests.dbfixtures import make_imei

HEADER = "imei,manufacturer,model,model_number,network,capacity,color,grade,conditions,status,warehouse,sku\n"


@pytest.fixture
def cli(tmp_path):
    return Cli(f"sqlite:///{tmp_path / 'cli.sqlite3'}", tmp_path / "data")


def one_line(proc) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_move_refused_for_a_committed_then_a_shipped_unit(cli, tmp_path):
    code = make_imei(1)
    cli.run("init")
    (tmp_path / "s.csv").write_text(HEADER + f"{code},Apple,iPhone,,,,,A,,Available,Main,S-1\n")
    cli.run("import-inventory", str(tmp_path / "s.csv"))
    number = cli.run("order", "create", "--customer", "Zoe", "--line", "sku=S-1,qty=1").stdout.strip()
    cli.run("fulfil", number, "--scan", code)
    line = one_line(cli.run("move", code, "--status", "Repair", ok=False))
    assert f"on order {number}" in line and f"refurbdesk uncommit {number} {code}" in line
    assert cli.json("unit", code, "--json")["status"] == "Available"
    cli.run("ship", number, "--tracking", "T-1")
    line = one_line(cli.run("move", code, "--status", "Available", ok=False))
    assert "returns desk" in line and f"refurbdesk return {code}" in line
    second = cli.run("order", "create", "--customer", "Yan", "--line", "sku=S-1,qty=1").stdout.strip()
    line = one_line(cli.run("fulfil", second, "--scan", code, ok=False))
    assert f"already shipped on order {number}" in line
    cli.run("return", code, "--status", "Available", "--warehouse", "Main")
    cli.run("fulfil", second, "--scan", code)  # taken back through the returns desk: it may go out again


def test_unit_set_corrects_grade_conditions_and_warehouse_or_refuses_in_one_line(cli, tmp_path):
    code = make_imei(2)
    cli.run("init")
    (tmp_path / "s.csv").write_text(HEADER + f"{code},Apple,iPhone,,,,,A,,Available,Main,S-1\n")
    cli.run("import-inventory", str(tmp_path / "s.csv"))
    out = cli.run("unit", code, "--set", "grade=B", "--set", "conditions=CG;SC").stdout
    assert out.splitlines()[0] == f"Corrected {code}" and "grade B" in out
    report = cli.json("unit", code, "--json")
    assert (report["grade"], report["conditions"]) == ("B", ["CG", "SC"])
    assert [h["event"] for h in report["history"]] == ["received", "grade", "conditions"]
    assert report["history"][1]["operator"] == "tester"
    assert "Unknown warehouse “Attic”" in one_line(cli.run("unit", code, "--set", "warehouse=Attic", "--set", "grade=C", ok=False))
    assert "FIELD=VALUE" in one_line(cli.run("unit", code, "--set", "colour=red", ok=False))
    assert cli.json("unit", code, "--json")["grade"] == "B"
    number = cli.run("order", "create", "--customer", "Zoe", "--line", f"variation={report['variation_id']},qty=1").stdout.strip()
    cli.run("fulfil", number, "--scan", code)
    line = one_line(cli.run("unit", code, "--set", "grade=A", ok=False))
    assert f"on order {number}" in line and "uncommit it first" in line
