"""The `refurbdesk` command: the GUI is one subcommand among the scripting ones."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from app import __version__
from app.domain.errors import DomainError

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
)


class CliError(Exception):
    """A one-line reason for stderr, exit code 1."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="refurbdesk",
        description="Serialized inventory, packing and Back Market sync. With no subcommand, starts the app.",
    )
    parser.add_argument("--db", metavar="URL", help="database URL (default: $REFURBDESK_DB or the SQLite file in your data folder)")
    parser.add_argument("--version", action="version", version=f"refurbdesk {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log to stderr too")
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
    parser = build_parser()
    args = parser.parse_args(argv)
    from app.logs import configure_logging

    configure_logging(verbose=args.verbose)
    if args.command is None:
        args = parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "gui"])
    try:
        return int(args.handler(args) or 0)
    except (DomainError, CliError) as exc:
        print(f"refurbdesk: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the one-line reason for scripts; the traceback goes to the log
        logging.getLogger("app.cli").exception("command failed")
        print(f"refurbdesk: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
