"""Issue 13's "done when", through the real `refurbdesk` command on SQLite and PostgreSQL: a PO with
a manifest received by scanning (an unexpected unit, a refused duplicate), graded by a diagnostics
CSV (passing units Available and counted for Back Market, failing ones in Repair), defective units
back on a vendor RMA — approved, shipped (the marketplace quantity drops), credited, closed — and
the reports showing the vendor's defect rate and open credit."""

from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db import open_database
from app.domain import pending, settings
from app.domain.quantities import calculated_quantities
from app.models import Listing, Unit
from app.cli import main
from tests.dbfixtures import make_imei

A, B, C, X, NEW, OTHER = (make_imei(n) for n in (1, 2, 3, 4, 5, 6))
LINE = "manufacturer=Apple,model=iPhone 12,capacity=64GB,color=Black,qty={qty},cost=180"


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


class InProcess:
    """The `refurbdesk` entry point called in this process (the command line without a Python start
    per command), as `name` with `pin` when given; the same one-line refusals and exit codes."""

    def __init__(self, url: str, capsys, monkeypatch, name: str | None = None, pin: str | None = None) -> None:
        self.url, self.capsys, self.monkeypatch, self.name, self.pin = url, capsys, monkeypatch, name, pin

    def as_(self, name: str, pin: str) -> InProcess:
        return InProcess(self.url, self.capsys, self.monkeypatch, name, pin)

    def run(self, *args: str, ok: bool | None = True, input: str = "") -> Ran:
        for var, value in (("REFURBDESK_OPERATOR", self.name), ("REFURBDESK_PIN", self.pin)):
            if value is None:
                self.monkeypatch.delenv(var, raising=False)
            else:
                self.monkeypatch.setenv(var, value)
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(input))
        self.capsys.readouterr()
        code = main(["--db", self.url, *args])
        out, err = self.capsys.readouterr()
        if ok is True:
            assert code == 0, f"{args} failed ({code}): {err}"
        elif ok is False:
            assert code != 0, f"{args} should have failed: {out}"
        assert "Traceback" not in err, err
        return Ran(code, out, err)

    def json(self, *args: str):
        return json.loads(self.run(*args).stdout)


@pytest.fixture
def cli(empty_db_url, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("REFURBDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REFURBDESK_STATION", "bench-1")
    return InProcess(empty_db_url, capsys, monkeypatch)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def one_line(proc) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def listing_quantity(url: str, variation_of: str | None = None) -> int:
    """Map a listing to the variation of `variation_of` (first call), then read its calculated quantity."""
    db = open_database(url)
    try:
        with db.sessions.begin() as s:
            if variation_of is not None:
                settings.set_(s, "backmarket.mapping", "variation")
                variation_id = s.scalar(select(Unit.variation_id).where(Unit.imei == variation_of))
                s.add(Listing(uuid="u-ip12-a", listing_id=1, sku="IP12-A", sku_norm="ip12-a", variation_id=variation_id))
                s.flush()
                pending.forget(s, pending.take(s).row_ids)
            listing_id = s.scalar(select(Listing.id))
            found = pending.take(s)
            pending.forget(s, found.row_ids)
            named = found.listing_ids is None or listing_id in found.listing_ids
            return calculated_quantities(s)[listing_id].calculated, named
    finally:
        db.dispose()


def test_done_when(cli, tmp_path):
    cli.run("init")
    assert cli.run("vendor", "add", "PhoneLots").stdout.strip() == "Vendor PhoneLots"
    cli.run("vendor", "add", "OtherCo")
    assert "already a vendor" in one_line(cli.run("vendor", "add", "phonelots", ok=False))
    created = cli.run("po", "create", "--vendor", "PhoneLots", "--ref", "V-77", "--expected", "2026-12-24",
                      "--line", LINE.format(qty=4))
    po = created.stdout.strip()
    assert created.stdout == po + "\n" and po.startswith("PO")
    assert "qty= is a whole number" in one_line(cli.run("po", "create", "--vendor", "PhoneLots", "--line",
                                                        LINE.format(qty="many"), ok=False))

    bad = cli.run("po", "manifest", po, write(tmp_path, "bad.csv", f"imei,grade\n{A},\n123,\n{A},Z\n"), ok=False)
    assert "2 bad rows in bad.csv; nothing was imported" in bad.stderr
    assert "line 3:" in bad.stderr and "line 4:" in bad.stderr
    out = cli.run("po", "manifest", po, write(tmp_path, "manifest.csv", f"imei,grade,cost\n{A},,\n{B},,\n{C},,175\n"))
    assert out.stdout.strip() == f"Manifest of {po}: 3 units"

    received = cli.run("po", "receive", po, "--scan", A, "--scan", B)
    assert received.stdout.splitlines()[0].startswith(f"OK Received {A} → {po} line 1")
    duplicate = cli.run("po", "receive", po, "--scan", A, ok=False)
    assert one_line(duplicate).startswith(f"refurbdesk: {A}: Already received: {A} was received on {po}")
    unexpected = cli.run("po", "receive", po, "--scan", X, ok=False)
    assert f"Unexpected: {X} is not on {po}'s manifest" in one_line(unexpected)
    accepted = cli.run("po", "receive", po, "--scan", X, "--allow-unexpected")
    assert accepted.stdout.startswith(f"UNEXPECTED Unexpected unit accepted: {X}")
    cli.run("po", "receive", po, "--csv", write(tmp_path, "scan.csv", f"imei\n{C}\n"))

    shown = cli.json("po", "show", po, "--json")
    assert list(shown) == ["number", "vendor", "reference", "expected_date", "status", "created_at", "closed_at",
                           "lines", "expected", "received", "manifest_rows", "manifest_received", "manifest_missing",
                           "landed_cost", "units"]
    assert list(shown["lines"][0]) == ["number", "id", "product", "manufacturer", "model", "model_number", "network",
                                       "capacity", "color", "expected_grade", "quantity", "unit_cost", "received",
                                       "unexpected", "replacements"]
    assert list(shown["units"][0]) == ["code", "line", "status", "grade", "unit_cost", "unexpected", "over_receipt",
                                       "replaces", "received_at"]
    assert (shown["status"], shown["received"], shown["expected"], shown["reference"]) == ("received", 4, 4, "V-77")
    assert shown["expected_date"] == "2026-12-24" and shown["manifest_missing"] == []
    line = shown["lines"][0]
    assert (line["received"], line["quantity"], line["unexpected"], line["unit_cost"]) == (4, 4, 1, "180.00")
    units = {u["code"]: u for u in shown["units"]}
    assert units[C]["unit_cost"] == "175.00" and units[X]["unexpected"] is True
    assert all(u["status"] == "Incoming" and u["grade"] == "Ungraded" for u in units.values())
    cli.run("label", "receiving", A, "--pdf", str(tmp_path / "receiving.pdf"))
    assert (tmp_path / "receiving.pdf").read_bytes().startswith(b"%PDF")

    diag = ("imei,grade,conditions,battery_health,failed_tests,tool,tester\n"
            f"{A},A,,92,,Phonecheck,Ann\n{B},A,,88,,Phonecheck,Ann\n"
            f"{C},C,SC,71,Face ID;Speaker,Phonecheck,Ann\n{X},B,,90,,Phonecheck,Ann\n")
    bad_diag = cli.run("import-diagnostics", write(tmp_path, "bad-diag.csv", diag + f"{NEW},A,,90,\n"), ok=False)
    assert f"line 6: {NEW} is not in stock" in bad_diag.stderr
    graded = cli.run("import-diagnostics", write(tmp_path, "diag.csv", diag))
    assert graded.stdout.startswith("Graded 4 units: 3 passed, 1 failed")
    unit = cli.json("unit", C, "--json")
    assert unit["status"] == "Repair"
    assert any("failed Face ID; Speaker · battery 71%" in h["detail"] for h in unit["history"])
    assert cli.json("unit", A, "--json")["status"] == "Available"
    quantity, _ = listing_quantity(cli.url, variation_of=A)
    assert quantity == 2  # A and B, Available grade A, reach the listing

    number = cli.run("rma", "create", "--vendor", "PhoneLots", "--ra", "RA-9").stdout.strip()
    assert number.startswith("RMA")
    cli.run("rma", "add", number, C, "--reason", "Face ID fails")
    cli.run("rma", "add", number, B, "--reason", "screen burn-in found at packing")
    other_po = cli.run("po", "create", "--vendor", "OtherCo", "--line", LINE.format(qty=1)).stdout.strip()
    cli.run("po", "receive", other_po, "--scan", OTHER)
    wrong = cli.run("rma", "add", number, OTHER, "--reason", "dead", ok=False)
    assert "came from another vendor" in one_line(wrong)
    assert "needs a manager's approval first" in one_line(cli.run("rma", "ship", number, "--tracking", "1Z", ok=False))
    cli.run("rma", "approve", number)
    cli.run("rma", "ship", number, "--tracking", "1Z999AA1")
    quantity, named = listing_quantity(cli.url)
    assert (quantity, named) == (1, True)  # B left the listing; the pending pushes name it
    cli.run("label", "rma", number, "--pdf", str(tmp_path / "rma.pdf"))
    assert (tmp_path / "rma.pdf").read_bytes().startswith(b"%PDF")

    vendors = {v["vendor"]: v for v in cli.json("report", "vendors", "--json")}
    assert vendors["PhoneLots"] == {"vendor": "PhoneLots", "received": 4, "sent_back": 2, "defect_rate": 0.5,
                                    "open_credit": "355.00", "credit_received": "0.00"}
    cli.run("rma", "resolve", number, C, "--credit", "170")
    assert "needs the replacement" not in cli.run("rma", "resolve", number, B, "--replace", NEW).stderr
    shown = cli.json("rma", "show", number, "--json")
    assert list(shown) == ["number", "vendor", "ra_number", "status", "tracking", "created_at", "approved_at",
                           "approved_by", "shipped_at", "closed_at", "lines", "credit_expected", "credit_received",
                           "open_lines"]
    assert list(shown["lines"][0]) == ["code", "product", "grade", "reason", "unit_cost", "status", "resolution",
                                       "credit_amount", "replacement", "resolved_at"]
    assert (shown["status"], shown["tracking"], shown["credit_expected"], shown["credit_received"]) == (
        "closed", "1Z999AA1", "355.00", "170.00")
    assert [(l["code"], l["resolution"], l["replacement"]) for l in shown["lines"]] == [
        (C, "credited", None), (B, "replaced", NEW)]
    assert cli.json("unit", NEW, "--json")["status"] == "Incoming"
    vendors = {v["vendor"]: v for v in cli.json("report", "vendors", "--json")}
    assert (vendors["PhoneLots"]["open_credit"], vendors["PhoneLots"]["credit_received"]) == ("0.00", "170.00")
    stock = cli.json("report", "stock", "--json")
    assert {(r["status"], r["units"]) for r in stock} == {("Available", 2), ("Incoming", 2)}
    assert [r["bucket"] for r in cli.json("report", "aging", "--json")] == ["0-30", "31-60", "61-90", "91-180", "181+"]
    cli.run("po", "close", po)
    assert f"{po} is closed" in one_line(cli.run("po", "receive", po, "--scan", make_imei(9), ok=False))


def test_roles_at_the_receiving_bench(cli, tmp_path):
    cli.run("init")
    cli.run("user", "add", "Ada", "--role", "admin", input="9876\n")
    ada = cli.as_("Ada", "9876")
    ada.run("user", "add", "Pat", "--role", "packer", input="1357\n")
    pat = cli.as_("Pat", "1357")
    ada.run("vendor", "add", "PhoneLots")
    po = ada.run("po", "create", "--vendor", "PhoneLots", "--line", LINE.format(qty=1)).stdout.strip()
    assert "Only a manager or admin may do purchasing" in one_line(pat.run("vendor", "add", "X", ok=False))
    pat.run("po", "receive", po, "--scan", A)
    over = pat.run("po", "receive", po, "--scan", B, ok=False)
    assert "is complete (1/1): receiving more needs a manager" in one_line(over)
    ada.run("po", "receive", po, "--scan", B)
    shown = pat.json("po", "show", po, "--json")
    assert shown["received"] == 2 and shown["lines"][0]["unit_cost"] is None  # a packer sees no costs
    assert "see costs" in one_line(pat.run("report", "stock", "--json", ok=False))
    graded = pat.run("import-diagnostics", write(tmp_path, "d.csv", f"imei,grade,failed_tests\n{A},A,\n{B},B,\n"))
    assert graded.stdout.startswith("Graded 2 units")
