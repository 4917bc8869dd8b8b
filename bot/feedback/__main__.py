"""Staff commands for petitions: export to CSV, delete one, purge those past retention.

python -m bot.feedback export --out petitions.csv
python -m bot.feedback delete PA-7K3Q-M2XD
python -m bot.feedback purge
python -m bot.feedback notify      # push petition results still owed to Telegram/Zalo chats (the web app also does)
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import logging
import sys
from pathlib import Path

from bot.db import session_scope
from bot.feedback.delivery import push_pending
from bot.feedback.storage import EXPORT_COLUMNS, delete_petition, export_rows, purge_expired
from bot.feedback.tracking import parse_tracking_code

logger = logging.getLogger("bot.feedback")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.feedback", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    export = sub.add_parser("export", help="write every petition to a CSV file (contains personal data)")
    export.add_argument("--out", type=Path, required=True)
    delete = sub.add_parser("delete", help="erase one petition by tracking code")
    delete.add_argument("code")
    sub.add_parser("purge", help="erase petitions whose retention period has ended")
    sub.add_parser("notify", help="push petition results not yet delivered to Telegram/Zalo chats")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    if args.command == "notify":
        report = asyncio.run(push_pending())
        logger.info("sent %d, waiting for the citizen %d, failed %d", report.sent, report.waiting, len(report.failed))
        return 1 if report.failed else 0

    with session_scope() as session:
        if args.command == "export":
            rows = export_rows(session=session)
            with args.out.open("w", newline="", encoding="utf-8-sig") as fh:
                writer = csv.DictWriter(fh, fieldnames=EXPORT_COLUMNS)
                writer.writeheader()
                writer.writerows(rows)
            logger.info("exported %d petitions to %s", len(rows), args.out)
        elif args.command == "delete":
            code = parse_tracking_code(args.code)
            if not code or not delete_petition(session=session, tracking_code=code):
                logger.error("no petition with code %s", args.code)
                return 1
            logger.info("deleted petition %s", code)
        else:
            count = purge_expired(session=session, today=dt.date.today())
            logger.info("purged %d petitions past their retention date", count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
