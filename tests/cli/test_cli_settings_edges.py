"""`settings set` and `backmarket configure` share the domain's checks: a typo is refused in one line
and changes nothing; a lower-case name is stored as the list spells it."""

from __future__ import annotations

import pytest

from tests.cli.cli_helpers import Cli


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


def test_settings_set_stores_a_lower_case_status_as_the_list_spells_it(cli):
    cli.run("settings", "set", "backmarket.statuses", "available,repair")
    assert cli.json("settings", "get", "backmarket.statuses") == ["Available", "Repair"]
    cli.run("settings", "set", "inventory.sold_status", "sold")
    assert cli.run("settings", "get", "inventory.sold_status").stdout == "Sold\n"


def test_settings_set_refuses_an_unknown_name_and_lists_the_known_ones(cli):
    line = refused(cli, "settings", "set", "backmarket.statuses", "Availble")
    assert "Availble" in line and "Available" in line and "Repair" in line
    line = refused(cli, "settings", "set", "backmarket.warehouses", "Nowhere")
    assert "Main" in line
    line = refused(cli, "settings", "set", "backmarket.order_states", '{"1": "Paid"}')
    assert "Ready to ship" in line
    assert cli.json("settings", "get", "backmarket.statuses") == ["Available"]
    assert cli.json("settings", "get", "backmarket.warehouses") == []


def test_settings_set_checks_typed_settings(cli):
    assert "true or false" in refused(cli, "settings", "set", "backmarket.enabled", "maybe")
    assert "sku, variation" in refused(cli, "settings", "set", "backmarket.mapping", "by-sku")
    assert "clear" in refused(cli, "settings", "set", "backmarket.api_url", "http://10.0.0.5:8765")
    assert "RefurbDesk" in refused(cli, "settings", "set", "database.id", "x")
    cli.run("settings", "set", "backmarket.mapping", "VARIATION")
    assert cli.run("settings", "get", "backmarket.mapping").stdout == "variation\n"
    assert cli.run("settings", "get", "backmarket.enabled").stdout == "true\n"


def test_configure_uses_the_same_checks(cli):
    assert "Available" in refused(cli, "backmarket", "configure", "--statuses", "availble")
    assert "clear" in refused(cli, "backmarket", "configure", "--api-url", "http://shop.example.com")
    # the whole command is refused: the valid part before the typo is not saved either
    refused(cli, "backmarket", "configure", "--mapping", "variation", "--warehouses", "Nowhere")
    assert cli.run("settings", "get", "backmarket.mapping").stdout == "sku\n"
    shown = cli.json("backmarket", "configure", "--statuses", "available", "--api-url", "http://127.0.0.1:8765/",
                     "--order-status", "1=ready to ship", "--json")
    assert shown["backmarket.statuses"] == ["Available"]
    assert shown["backmarket.api_url"] == "http://127.0.0.1:8765"
    assert shown["backmarket.order_states"]["1"] == "Ready to ship"
