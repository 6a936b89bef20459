"""The `refurbdesk` command: the GUI is one subcommand among the scripting ones."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from app import __version__
from app.cli import operator
from app.db_errors import DatabaseRefused, explain, first_line
from app.domain.errors import DomainError
from app.threads import tune_for_latency

# Each module adds its subcommands with `register(subparsers)`; handlers take (args) and
# return an exit code. GUI and Back Market modules import their heavy parts lazily.
COMMAND_MODULES = (
    "app.cli.setup_cmds",
    "app.cli.inventory_cmds",
    "app.cli.order_cmds",
    "app.cli.backmarket_cmds",
    "app.cli.shipstation_cmds",
    "app.cli.sync_cmds",
    "app.cli.label_cmds",
    "app.cli.selfcheck_cmds",
    "app.cli.gui_cmds",
    "app.cli.user_cmds",
    "app.cli.purchasing_cmds",
    "app.cli.rma_cmds",
)


# Commands that never open the user's database (the demo makes its own throw-away file).
OWN_DATABASE = ("demo", "self-check")


class CliError(Exception):
    """A one-line reason for stderr, exit code 1."""


def check_database_url(args) -> str | None:
    """Before any command runs: refuse a throw-away database URL, and a SQLite file that does not
    exist yet unless the command is `init` or the file is the default one in the user data folder."""
    from app.db import check_may_open, default_db_url, resolve_db_url

    if args.command in OWN_DATABASE:
        return None
    url = resolve_db_url(args.db)
    check_may_open(url, create=args.command == "init" or url == default_db_url())
    return url


def _database_url(args) -> str | None:
    from app.db import resolve_db_url

    try:
        return resolve_db_url(getattr(args, "db", None))
    except Exception:
        return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="refurbdesk",
        description="Serialized inventory, packing and Back Market sync. With no subcommand, starts the app.",
    )
    parser.add_argument("--db", metavar="URL", help="database URL (default: $REFURBDESK_DB or the SQLite file in your data folder)")
    parser.add_argument("--version", action="version", version=f"refurbdesk {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log to stderr too")
    operator.add_arguments(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # a command family not built into this package
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    tune_for_latency()
    parser = build_parser()
    args = parser.parse_args(argv)
    from app.logs import configure_logging

    configure_logging(verbose=args.verbose)
    if args.command is None:
        args = parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "gui"])
    try:
        check_database_url(args)
        operator.sign_in(args)
        return int(args.handler(args) or 0)
    except (DomainError, CliError) as exc:
        print(f"refurbdesk: {exc}", file=sys.stderr)
        return 1
    except DatabaseRefused as exc:
        print(f"refurbdesk: {first_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the one-line reason for scripts; the traceback goes to the log
        logging.getLogger("app.cli").exception("command failed")
        said = explain(exc, _database_url(args))
        print(f"refurbdesk: {said or f'{type(exc).__name__}: {first_line(exc)}'}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
