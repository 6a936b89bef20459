"""`vendor edit` (rename, contact; a manager's) and `po receive --approved-by` (a manager's PIN lets
one over-receipt through at a packer's bench) from the command line."""

from __future__ import annotations

from tests.cli.test_cli_purchasing import LINE, A, B, C, cli, one_line  # noqa: F401 - `cli` is a fixture


def test_vendor_edit(cli):
    cli.run("init")
    cli.run("vendor", "add", "PhoneLots", "--contact", "sales@phonelots.example")
    cli.run("vendor", "add", "OtherCo")
    po = cli.run("po", "create", "--vendor", "PhoneLots", "--line", LINE.format(qty=1)).stdout.strip()
    assert cli.run("vendor", "edit", "phonelots", "--name", "Phone Lots EU").stdout == \
        "Vendor Phone Lots EU  (sales@phonelots.example)\n"
    assert cli.run("vendor", "edit", "Phone Lots EU", "--contact", "Bob").stdout == "Vendor Phone Lots EU  (Bob)\n"
    assert cli.json("po", "show", po, "--json")["vendor"] == "Phone Lots EU"
    assert cli.run("vendor", "list").stdout == "OtherCo\nPhone Lots EU  (Bob)\n"
    taken = cli.run("vendor", "edit", "OtherCo", "--name", "PHONE LOTS EU", ok=False)
    assert one_line(taken) == "refurbdesk: There is already a vendor named “Phone Lots EU”."
    assert "Nothing to change" in one_line(cli.run("vendor", "edit", "OtherCo", ok=False))
    assert "Unknown vendor “Nobody”" in one_line(cli.run("vendor", "edit", "Nobody", "--contact", "x", ok=False))
    assert cli.run("vendor", "list").stdout == "OtherCo\nPhone Lots EU  (Bob)\n"


def test_vendor_edit_is_a_managers_job(cli):
    cli.run("init")
    cli.run("user", "add", "Ada", "--role", "admin", input="9876\n")
    ada = cli.as_("Ada", "9876")
    ada.run("user", "add", "Pat", "--role", "packer", input="1357\n")
    ada.run("vendor", "add", "PhoneLots")
    refused = cli.as_("Pat", "1357").run("vendor", "edit", "PhoneLots", "--contact", "x", ok=False)
    assert "Only a manager or admin may do purchasing" in one_line(refused)
    assert ada.run("vendor", "list").stdout == "PhoneLots\n"


def test_po_receive_approved_by_a_manager(cli):
    cli.run("init")
    cli.run("user", "add", "Ada", "--role", "admin", input="9876\n")
    ada = cli.as_("Ada", "9876")
    ada.run("user", "add", "Max", "--role", "manager", input="2345\n")
    ada.run("user", "add", "Pat", "--role", "packer", input="1357\n")
    pat = cli.as_("Pat", "1357")
    ada.run("vendor", "add", "PhoneLots")
    po = ada.run("po", "create", "--vendor", "PhoneLots", "--line", LINE.format(qty=1)).stdout.strip()
    pat.run("po", "receive", po, "--scan", A)

    wrong = pat.run("po", "receive", po, "--scan", B, "--approved-by", "Max", input="0000\n", ok=False)
    assert one_line(wrong) == (f"refurbdesk: {B}: Not approved: Wrong PIN for Max: 4 attempts left before the "
                               "account locks.")
    packer = pat.run("po", "receive", po, "--scan", B, "--approved-by", "Pat", input="1357\n", ok=False)
    assert "Not approved: Pat is a packer; only a manager or admin may approve an over-receipt." in one_line(packer)
    assert "no PIN for Max" in one_line(pat.run("po", "receive", po, "--scan", B, "--approved-by", "Max", ok=False))
    many = pat.run("po", "receive", po, "--scan", B, "--scan", C, "--approved-by", "Max", input="2345\n", ok=False)
    assert "--approved-by approves one unit: give exactly one --scan CODE" in one_line(many)
    assert pat.json("po", "show", po, "--json")["received"] == 1  # nothing was received

    ok = pat.run("po", "receive", po, "--scan", B, "--approved-by", "max", input="2345\n")
    assert ok.stdout.startswith("OK ") and ok.stdout.rstrip().endswith("2/1 — over-receipt approved by Max")
    cli.monkeypatch.setenv("REFURBDESK_APPROVER_PIN", "2345")
    ok = pat.run("po", "receive", po, "--scan", C, "--approved-by", "Max")
    assert ok.stdout.rstrip().endswith("3/1 — over-receipt approved by Max")
    history = pat.json("unit", C, "--json")["history"]
    assert history[0]["event"] == "received" and history[0]["detail"].endswith("over-receipt approved by Max")
    assert pat.json("po", "show", po, "--json")["received"] == 3
