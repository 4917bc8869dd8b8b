"""``python -m bot.applications``: load application statuses from a file, print the template, check a code.

    python -m bot.applications load statuses.xlsx [--skip-invalid] [--user NAME]
    python -m bot.applications template > mau-trang-thai-ho-so.csv
    python -m bot.applications lookup 000.00.23.H56-261120-0001    # what the bot would answer
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from pathlib import Path

from bot.applications.loading import LoadError, load_file, template_csv
from bot.applications.lookup import answer
from bot.db import session_scope
from bot.text.codes import find_application_code


def _load(args: argparse.Namespace) -> int:
    path: Path = args.file
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"Không đọc được {path}: {exc}", file=sys.stderr)
        return 1
    try:
        with session_scope() as session:
            report = load_file(session=session, filename=path.name, data=data, username=args.user, channel="cli",
                               skip_invalid=args.skip_invalid)
    except LoadError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(report.summary())
    for line in report.errors:
        print("  " + line)
    return 1 if report.refused else 0


def _lookup(args: argparse.Namespace) -> int:
    code = find_application_code(args.code)
    if code is None:
        print("Không thấy mã hồ sơ đúng dạng 000.00.00.H00-yymmdd-0000.", file=sys.stderr)
        return 1
    print(answer(code, today=dt.date.today()))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.applications", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help="load statuses from a .csv or .xlsx file")
    load.add_argument("file", type=Path)
    load.add_argument("--skip-invalid", action="store_true", help="load the valid rows even if some are invalid")
    load.add_argument("--user", default=f"cli:{getpass.getuser()}", help="name recorded in the import history")
    commands.add_parser("template", help="print a CSV template with the expected columns")
    lookup = commands.add_parser("lookup", help="print what the bot answers for a code")
    lookup.add_argument("code")
    args = parser.parse_args(argv)
    if args.command == "template":
        sys.stdout.buffer.write(template_csv())
        return 0
    return _load(args) if args.command == "load" else _lookup(args)


if __name__ == "__main__":
    sys.exit(main())
