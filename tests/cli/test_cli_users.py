"""Operators on the command line, through real subprocesses: the PRODUCT.md scenario end to end, and a
role refusal for every gated command (one line on stderr, non-zero exit, the role that may, nothing changed)."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from sqlalchemy.engine import make_url

from tests.cli.cli_helpers import Cli
from tests.dbfixtures import make_imei

HEADER = "imei,manufacturer,model,model_number,network,capacity,color,grade,conditions,status,warehouse,sku,cost\n"
A, B = make_imei(1), make_imei(2)
PINS = {"Ada": "9876", "Max": "5678", "Sam": "1234"}
FAST = {"REFURBDESK_SCRYPT_N": "1024"}  # the subprocess hashes at a test cost (the env is not inherited)


class Station(Cli):
    """A Cli whose commands run as a named operator (REFURBDESK_OPERATOR / REFURBDESK_PIN), or nobody."""

    def as_(self, name: str | None, pin: str | None = None) -> "Station":
        other = Station(self.url, self.data_dir)
        other.env = {k: v for k, v in self.env.items() if k not in ("REFURBDESK_OPERATOR", "REFURBDESK_PIN")}
        if name is not None:
            other.env["REFURBDESK_OPERATOR"] = name
            other.env["REFURBDESK_PIN"] = PINS.get(name, "0000") if pin is None else pin
        return other

    def __init__(self, url, data_dir):
        super().__init__(url, data_dir, **FAST)
        self.data_dir = data_dir


def one_line(proc) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def station(empty_db_url, tmp_path):
    return Station(empty_db_url, tmp_path / "data").as_(None)


def test_the_operators_scenario(station, tmp_path):
    nobody = station
    nobody.run("init")
    # No operators yet: everything works as before, without a name or a PIN.
    assert nobody.json("catalog") == []
    refused = nobody.run("user", "add", "Sam", "--role", "packer", input="1234\n", ok=False)
    assert "first operator must be an admin" in one_line(refused)
    added = nobody.run("user", "add", "Ada", "--role", "admin", "--badge", "ADA-0001", input="9876\n")
    assert "sign-in is now on" in added.stdout

    # Sign-in is on: every command but init / self-check / --version wants an operator and a PIN.
    assert "--operator NAME" in one_line(nobody.run("catalog", ok=False))
    nobody.run("init")
    nobody.run("--version")
    assert "no PIN for Ada" in one_line(nobody.run("--operator", "Ada", "catalog", ok=False))
    assert "Wrong PIN for Ada: 4 attempts left" in one_line(nobody.as_("Ada", "1111").run("catalog", ok=False))
    assert "Unknown name" in one_line(nobody.as_("Zed", "1111").run("catalog", ok=False))
    # --operator (before the subcommand) beats REFURBDESK_OPERATOR.
    assert nobody.as_("Zed", "9876").run("--operator", "Ada", "catalog").stdout.strip() == "[]"

    ada, max_, sam = nobody.as_("Ada"), nobody.as_("Max"), nobody.as_("Sam")
    ada.run("user", "add", "Max", "--role", "manager", input="5678\n")
    ada.run("user", "add", "Sam", "--role", "packer", "--badge", "SAM-0002", input="1234\n")
    listed = ada.run("user", "list", "--json").stdout
    assert "scrypt" not in listed and "9876" not in listed
    assert [{k: u[k] for k in ("name", "role", "active", "locked_until")} for u in json.loads(listed)] == [
        {"name": "Ada", "role": "admin", "active": True, "locked_until": None},
        {"name": "Max", "role": "manager", "active": True, "locked_until": None},
        {"name": "Sam", "role": "packer", "active": True, "locked_until": None},
    ]

    # A manager receives stock (CSV) and makes an order; a packer packs and ships it.
    stock = HEADER + f"{A},Apple,iPhone 12,A2172,Unlocked,64GB,Black,A,,Available,Main,IP12-A,199.00\n" \
                     f"{B},Apple,iPhone 12,A2172,Unlocked,64GB,Black,A,,Available,Main,IP12-A,205.50\n"
    max_.run("import-inventory", write(tmp_path, "stock.csv", stock))
    number = max_.run("order", "create", "--customer", "Bob Ltd", "--line", "sku=IP12-A,qty=1").stdout.strip()
    sam.run("fulfil", number, "--scan", A)
    sam.run("ship", number, "--tracking", "1Z999")
    as_packer, as_manager = sam.json("unit", A, "--json"), max_.json("unit", A, "--json")
    assert as_packer["cost"] is None and as_manager["cost"] == "199.00"
    assert [(h["event"], h["operator"], h["station"]) for h in as_manager["history"]] == [
        ("received", "Max", "cli-test"), ("committed", "Sam", "cli-test"), ("shipped", "Sam", "cli-test")]
    refused = sam.run("settings", "set", "backmarket.enabled", "false", ok=False)
    assert one_line(refused) == ("refurbdesk: Only a manager or admin may change Back Market settings; "
                                 "you are signed in as packer Sam.")

    # Settings changes carry operator and station.
    max_.run("settings", "set", "backmarket.since_days", "7")
    (change,) = max_.json("settings", "history", "--json")
    assert {k: change[k] for k in ("key", "old_value", "new_value", "operator", "station")} == {
        "key": "backmarket.since_days", "old_value": None, "new_value": "7", "operator": "Max", "station": "cli-test"}

    # Five wrong PINs lock Sam for five minutes; the right PIN is refused too until an admin unlocks.
    for left in (4, 3, 2, 1):
        assert f"{left} attempt" in one_line(nobody.as_("Sam", "0000").run("catalog", ok=False))
    locked = one_line(nobody.as_("Sam", "0000").run("catalog", ok=False))
    assert re.search(r"Sam is now locked until \d\d:\d\d", locked), locked
    assert re.search(r"Sam is locked until \d\d:\d\d", one_line(sam.run("catalog", ok=False)))
    sam_row = next(u for u in ada.json("user", "list", "--json") if u["name"] == "Sam")
    assert sam_row["locked_until"] is not None
    ada.run("user", "unlock", "Sam")
    sam.run("catalog")

    # A new PIN, a new role, disabled, enabled.
    ada.run("user", "pin", "Sam", input="4321\n")
    assert "Wrong PIN" in one_line(sam.run("catalog", ok=False))
    sam = nobody.as_("Sam", "4321")
    sam.run("user", "pin", "Sam", input="1234\n")  # anyone may change their own PIN
    sam = nobody.as_("Sam")
    ada.run("user", "role", "Sam", "manager")
    sam.run("settings", "set", "backmarket.since_days", "9")
    ada.run("user", "disable", "Sam")
    assert "Sam's account is disabled" in one_line(sam.run("catalog", ok=False))
    ada.run("user", "enable", "Sam")
    sam.run("catalog")

    # The last active admin cannot be disabled or demoted.
    assert "last active admin" in one_line(ada.run("user", "disable", "Ada", ok=False))
    assert "last active admin" in one_line(ada.run("user", "role", "Ada", "manager", ok=False))
    ada.run("user", "role", "Max", "admin")
    ada.run("user", "role", "Ada", "manager")
    assert "Only an admin may manage users" in one_line(ada.run("user", "unlock", "Sam", ok=False))


def test_init_never_prints_the_database_password(empty_db_url, tmp_path):
    if not empty_db_url.startswith("postgresql"):
        pytest.skip("SQLite URLs carry no password")
    # The test cluster trusts local connections, so a made-up password still connects.
    url = make_url(empty_db_url).set(password="s3cret-pw").render_as_string(hide_password=False)
    station = Station(url, tmp_path / "data")
    proc = station.run("init")
    assert "s3cret-pw" not in proc.stdout + proc.stderr
    assert "***" in proc.stdout


# --------------------------------------------------------------------------- a refusal for every gated command

@pytest.fixture(scope="module")
def shared_station(tmp_path_factory):
    """One SQLite database with Ada (admin), Max (manager) and Sam (packer), shared by the refusal table:
    a refusal changes nothing, so each case starts from the same state."""
    tmp = tmp_path_factory.mktemp("roles")
    st = Station(f"sqlite:///{tmp / 'roles.sqlite3'}", tmp / "data").as_(None)
    st.run("init")
    st.run("user", "add", "Ada", "--role", "admin", input="9876\n")
    st.as_("Ada").run("user", "add", "Max", "--role", "manager", input="5678\n")
    st.as_("Ada").run("user", "add", "Sam", "--role", "packer", input="1234\n")
    csv_file = tmp / "stock.csv"
    csv_file.write_text(HEADER + f"{A},Apple,iPhone 12,A2172,Unlocked,64GB,Black,A,,Available,Main,IP12-A,199.00\n")
    st.as_("Max").run("import-inventory", str(csv_file))
    st.csv_file = str(csv_file)
    st.order = st.as_("Max").run("order", "create", "--customer", "Z", "--line", "sku=IP12-A,qty=1").stdout.strip()
    return st


# (command, stdin, the lowest role that may). Packers are refused the manager commands, managers the admin ones.
GATED = [
    (("settings", "set", "catalog.sku_unique", "false"), None, "manager"),
    (("settings", "set", "backmarket.enabled", "false"), None, "manager"),
    (("define", "warehouse", "Annex"), None, "manager"),
    (("define", "status", "Refurbished", "--sellable"), None, "manager"),
    (("define", "grade", "A-"), None, "manager"),
    (("define", "condition", "WD", "Water Damage"), None, "manager"),
    (("define", "order-status", "On hold", "--open"), None, "manager"),
    (("import-inventory", "{csv}"), None, "manager"),
    (("export-inventory", "-"), None, "manager"),
    (("order", "create", "--customer", "Y", "--line", "sku=IP12-A,qty=1"), None, "manager"),
    (("order", "status", "{order}", "Cancelled"), None, "manager"),
    (("backmarket", "configure", "--since-days", "7"), None, "manager"),
    (("backmarket", "token", "set"), "tok-123\n", "manager"),
    (("backmarket", "token", "clear"), None, "manager"),
    (("backmarket", "map", "123", "--variation", "1"), None, "manager"),
    (("backmarket", "rules", "123", "--reserve", "1"), None, "manager"),
    (("user", "add", "Bob", "--role", "packer"), "2222\n", "admin"),
    (("user", "pin", "Sam"), "2222\n", "admin"),
    (("user", "role", "Sam", "manager"), None, "admin"),
    (("user", "badge", "Sam", "SAM-0009"), None, "admin"),
    (("user", "disable", "Sam"), None, "admin"),
    (("user", "enable", "Sam"), None, "admin"),
    (("user", "unlock", "Sam"), None, "admin"),
]
BELOW = {"manager": ("Sam", "packer"), "admin": ("Max", "manager")}
WHO_MAY = {"manager": "Only a manager or admin may", "admin": "Only an admin may"}


@pytest.mark.parametrize("command, stdin, role", GATED, ids=[" ".join(c[:3]) for c, _, _ in GATED])
def test_every_gated_command_refuses_a_lower_role(shared_station, command, stdin, role):
    st = shared_station
    args = [a.format(csv=st.csv_file, order=st.order) for a in command]
    who, their_role = BELOW[role]
    before = snapshot(st)
    line = one_line(st.as_(who).run(*args, input=stdin, ok=False))
    assert line.startswith(f"refurbdesk: {WHO_MAY[role]} ") and line.endswith(f"you are signed in as {their_role} {who}."), line
    assert snapshot(st) == before


def snapshot(st) -> dict:
    """Every table a refused command could have touched (users without their sign-in counters)."""
    with sqlite3.connect(make_url(st.url).database) as conn:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        state = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables if t != "users"}
        state["users"] = conn.execute("SELECT name, role, badge_code, pin_hash, active FROM users ORDER BY 1").fetchall()
    return state


# Every command a signed-in packer may run is refused without an operator once operators exist.
NEEDS_OPERATOR = [
    ("catalog",), ("orders",), ("unit", A, "--json"), ("fulfil", "{order}", "--scan", A), ("uncommit", "{order}", A),
    ("ship", "{order}", "--tracking", "T"), ("move", A, "--status", "Available"),
    ("return", A, "--status", "Returned", "--warehouse", "Main"), ("settings", "get", "catalog.sku_unique"),
    ("settings", "list"), ("settings", "history"), ("user", "list"), ("backmarket", "listings"),
    ("backmarket", "token", "status"), ("sync", "--once"), ("label", "unit", A, "--pdf", "x.pdf"),
]


@pytest.mark.parametrize("command", NEEDS_OPERATOR, ids=[" ".join(c[:2]) for c in NEEDS_OPERATOR])
def test_every_command_needs_an_operator_once_users_exist(shared_station, command):
    args = [a.format(order=shared_station.order) for a in command]
    line = one_line(shared_station.as_(None).run(*args, ok=False))
    assert "this database has operators: name yourself with --operator NAME" in line
