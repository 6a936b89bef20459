"""Who runs a command: with operators defined, the CLI signs one in before running anything.

`--operator NAME` (global, before the subcommand) or REFURBDESK_OPERATOR names the operator; the PIN
comes from REFURBDESK_PIN or is asked on the terminal. Without a terminal and without a PIN the
command is refused: a script never hangs on a prompt. A database without users needs nothing.
"""

from __future__ import annotations

import getpass
import os
import sys

OPERATOR_ENV = "REFURBDESK_OPERATOR"
PIN_ENV = "REFURBDESK_PIN"

# Commands that run without an operator: creating/upgrading the database, checking the installation,
# the simulators, and the GUI (it has its own sign-in screen).
NO_OPERATOR = {
    ("app.cli.setup_cmds", "cmd_init"),
    ("app.cli.selfcheck_cmds", "cmd_self_check"),
    ("app.cli.backmarket_cmds", "cmd_sandbox"),
    ("app.cli.shipstation_cmds", "cmd_sandbox"),
    ("app.cli.gui_cmds", "cmd_gui"),
    ("app.cli.gui_cmds", "cmd_demo"),
}


def add_arguments(parser) -> None:
    parser.add_argument("--operator", metavar="NAME",
                        help=f"who runs the command, when the database has operators (default: ${OPERATOR_ENV}; "
                             f"the PIN from ${PIN_ENV} or asked on the terminal)")


def needs_operator(args) -> bool:
    handler = getattr(args, "handler", None)
    return handler is not None and (handler.__module__, handler.__name__) not in NO_OPERATOR


def terminal_available() -> bool:
    """Can we ask for a PIN without reading the command's own stdin?"""
    if os.name == "nt":
        return sys.stdin is not None and sys.stdin.isatty()
    try:
        with open("/dev/tty"):
            return True
    except OSError:
        return False


def ask_secret(prompt: str) -> str:
    return getpass.getpass(prompt)


def sign_in(args) -> None:
    """Sign the operator in for this process, or raise a one-line refusal (CliError / SignInRefused)."""
    from app.cli import CliError
    from app.cli.common import database
    from app.domain import users
    from app.domain.station import set_operator

    set_operator(None)
    if not needs_operator(args):
        return
    db = database(args)
    try:
        with db.reads() as s:
            if not users.users_exist(s):
                return  # no operators defined: everyone may do everything, as before
        name = (getattr(args, "operator", None) or os.environ.get(OPERATOR_ENV) or "").strip()
        if not name:
            raise CliError(f"this database has operators: name yourself with --operator NAME (or {OPERATOR_ENV}) "
                           f"and give your PIN in {PIN_ENV}")
        pin = os.environ.get(PIN_ENV)
        if pin is None:
            if not terminal_available():
                raise CliError(f"no PIN for {name}: set {PIN_ENV} (there is no terminal to ask on)")
            pin = ask_secret(f"PIN for {name}: ")
        with db.sessions.begin() as s:
            operator = users.authenticate(s, name, pin.strip())
    finally:
        db.dispose()
    set_operator(operator)
