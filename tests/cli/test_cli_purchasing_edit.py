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
