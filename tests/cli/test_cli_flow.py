"""The command line end to end, through real subprocesses, on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.cli.cli_helpers import Cli
from tests.dbfixtures import make_imei

HEADER = "imei,manufacturer,model,model_number,network,capacity,color,grade,conditions,status,warehouse,sku,cost,serial,imei2\n"
A, B, C, D = make_imei(1), make_imei(2), make_imei(3), make_imei(4)


@pytest.fixture
def cli(empty_db_url, tmp_path):
    return Cli(empty_db_url, tmp_path / "data")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_receive_order_fulfil_ship_return(cli, tmp_path):
    assert "Database ready" in cli.run("init").stdout
    cli.run("init")  # idempotent
    cli.run("define", "warehouse", "Returns")
    cli.run("define", "warehouse", "returns")
    stock = HEADER + "".join([
        f"{A},Apple,iPhone 12,A2172,Unlocked,64GB,Black,A,SC;CG,Available,Main,IP12-A,100.00,,{make_imei(11)}\n",
        f"{B},Apple,iPhone 12,A2172,Unlocked,64GB,Black,A,CG;SC,Available,Main,ip12-a,,,\n",
        f"{C},Apple,iPhone 12,A2172,Unlocked,64GB,Black,A,CG;SC,Repair,Main,,,,\n",
        f"{D},Apple,iPhone 12,A2172,Unlocked,64GB,Black,A,CG;SC,Available,Main,,,,\n",
        ",Apple,Watch 7,,,,Green,B,,Available,Main,,,GX7-001,\n",
    ])
    out = cli.run("import-inventory", write(tmp_path, "stock.csv", stock)).stdout
    assert "Imported 5 units" in out

    catalog = cli.json("catalog", "--json")
    assert len(catalog) == 2
    for row in catalog:
        assert list(row) == ["id", "product", "grade", "conditions", "sku", "units"]
        assert all(isinstance(k, str) and isinstance(v, int) for k, v in row["units"].items())
    phone = next(r for r in catalog if r["sku"])
    assert phone["units"] == {"Available": 3, "Repair": 1} and phone["conditions"] == ["CG", "SC"]

    created = cli.run("order", "create", "--customer", "Bob Ltd", "--line", "sku=IP12-A,qty=2")
    number = created.stdout.strip()
    assert created.stdout == number + "\n" and re.fullmatch(r"[A-Z]+\d+", number)
    second = cli.run("order", "create", "--customer", "Cy", "--line", f"variation={phone['id']},qty=1").stdout.strip()

    refused = cli.run("fulfil", number, "--scan", "490154203237519", "--scan", make_imei(99), "--scan", C,
                      "--scan", "GX7-001", "--scan", A, ok=False)
    assert refused.returncode == 1
    assert f"OK {A}" in refused.stdout
    errors = refused.stderr.strip().splitlines()
    assert len(errors) == 4
    for words, line in zip(["check digit is wrong", "Unknown unit", "not sellable", "matches no line"], errors):
        assert words in line, errors
    again = cli.run("fulfil", number, "--scan", A, ok=False)
    assert "already committed to this order" in again.stderr
    elsewhere = cli.run("fulfil", second, "--scan", A, ok=False)
    assert f"already committed to order {number}" in elsewhere.stderr
    by_imei2 = cli.run("fulfil", number, "--scan", make_imei(11), ok=False)  # the same unit, by its second IMEI
    assert f"{A} is already committed to this order" in by_imei2.stderr
    assert "OK" in cli.run("fulfil", number, "--scan", B).stdout
    complete = cli.run("fulfil", number, "--scan", D, ok=False)
    assert "already complete (2/2)" in complete.stderr
    unknown_order = cli.run("fulfil", "SO1", "--scan", D, ok=False)
    assert "no order SO1" in unknown_order.stderr


def test_flow_ship_and_return(cli, tmp_path):
    cli.run("init")
    cli.run("define", "warehouse", "Returns")
    stock = HEADER + "".join([
        f"{A},Apple,iPhone 12,A2172,Unlocked,64GB,Black,A,,Available,Main,IP12-A,,,\n",
        f"{B},Apple,iPhone 12,A2172,Unlocked,64GB,Black,A,,Available,Main,,,,\n",
        ",Apple,Watch 7,,,,Green,B,,Available,Main,,,GX7-001,\n",
    ])
    cli.run("import-inventory", write(tmp_path, "stock.csv", stock))
    number = cli.run("order", "create", "--customer", "Bob Ltd", "--line", "sku=ip12-a,qty=2").stdout.strip()
    cli.run("fulfil", number, "--scan", A)
    incomplete = cli.run("ship", number, "--tracking", "1Z", ok=False)
    assert "missing 1 unit" in incomplete.stderr and incomplete.stderr.count("\n") == 1
    cli.run("fulfil", number, "--scan", B)
    cli.run("ship", number, "--tracking", "1Z999", "--carrier", "UPS")
    shipped = cli.run("fulfil", cli.run("order", "create", "--customer", "X", "--line", "sku=IP12-A,qty=1").stdout.strip(),
                      "--scan", A, ok=False)
    assert f"already shipped on order {number}" in shipped.stderr

    listed = cli.json("orders", "--json")
    order = next(o for o in listed if o["number"] == number)
    assert {k: order[k] for k in ("number", "channel", "customer", "status", "external_id")} == {
        "number": number, "channel": "Direct", "customer": "Bob Ltd", "status": "Shipped", "external_id": None}
    assert order["tracking_number"] == "1Z999" and order["carrier"] == "UPS"
    (line,) = order["lines"]
    assert (line["sku"], line["quantity"], line["committed"]) == ("ip12-a", 2, [A, B])

    unit = cli.json("unit", A, "--json")
    assert unit["status"] == "Sold"
    (o,) = unit["orders"]
    assert (o["number"], o["customer"], o["tracking_number"]) == (number, "Bob Ltd", "1Z999")
    assert o["committed_at"] and o["shipped_at"]
    assert [h["event"] for h in unit["history"]] == ["received", "committed", "shipped"]
    assert unit["history"][1]["station"] == "cli-test" and unit["history"][1]["operator"] == "tester"

    cli.run("return", A, "--status", "Returned", "--warehouse", "Returns", "--grade", "B")
    back = cli.json("unit", A, "--json")
    assert (back["status"], back["warehouse"], back["grade"]) == ("Returned", "Returns", "B")
    assert back["history"][-2]["event"] == "returned" and back["history"][-2]["order"] == number
    not_shipped = cli.run("return", "gx7-001", "--status", "Available", "--warehouse", "Main", ok=False)
    assert "only a shipped unit" in not_shipped.stderr

    out = tmp_path / "out.csv"
    cli.run("export-inventory", str(out))
    rows = {r["imei"] or r["serial"]: r for r in csv.DictReader(io.StringIO(out.read_text()))}
    assert {k: rows[k]["status"] for k in rows} == {A: "Returned", B: "Sold", "GX7-001": "Available"}
    assert rows[A]["grade"] == "B" and rows[A]["warehouse"] == "Returns"
