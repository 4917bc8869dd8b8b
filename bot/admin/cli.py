"""Command line mirroring the admin, for scripts: import, export, add-faq, list-unanswered, create-user.

    python -m bot.admin.cli import tthc.xlsx            # or a .zip of CSV files, a <table>.csv, a portal .jsonl(.gz)
    python -m bot.admin.cli export tthc.xlsx            # .xlsx or .zip (CSV)
    python -m bot.admin.cli add-faq --slug gio-lam-viec --question "..." --answer "..."
    python -m bot.admin.cli list-unanswered --limit 20
    python -m bot.admin.cli create-user admin --role admin   # asks for the password
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from pathlib import Path

from bot.admin import editing, transfer
from bot.admin.models import ROLES
from bot.admin.users import UserError, create_user
from bot.db import session_scope

logger = logging.getLogger("bot.admin.cli")
CLI_USER = "cli"


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def cmd_import(args: argparse.Namespace) -> int:
    path: Path = args.file
    name = path.name.lower()
    with session_scope() as session:
        if name.endswith(("jsonl", ".jsonl.gz", ".json", ".json.gz")):
            summary = transfer.import_portal_file(session=session, path=path, username=args.user)
        else:
            summary = transfer.import_bytes(session=session, filename=path.name, data=path.read_bytes(),
                                            username=args.user).summary()
    _out(f"Đã nhập {path.name}: {summary}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    path: Path = args.file
    with session_scope() as session:
        if path.suffix.lower() == ".zip":
            data = transfer.export_csv_zip(session=session)
        elif path.suffix.lower() == ".xlsx":
            data = transfer.export_xlsx(session=session)
        else:
            raise transfer.TransferError("Tệp xuất phải có đuôi .xlsx hoặc .zip (CSV).")
    path.write_bytes(data)
    _out(f"Đã xuất {path}")
    return 0


def cmd_add_faq(args: argparse.Namespace) -> int:
    with session_scope() as session:
        slug = args.slug or editing.unique_slug(session=session, base=editing.slug_from(args.question))
        entry = editing.create_faq(session=session, username=args.user, form={
            "slug": slug, "topic": args.topic, "question": args.question, "answer": args.answer,
            "keywords": "\n".join(args.keyword or []), "source_url": args.source_url, "active": "1",
        })
        _out(f"Đã thêm câu hỏi {entry.slug}")
    return 0


def cmd_list_unanswered(args: argparse.Namespace) -> int:
    from bot.analytics.store import open_groups

    with session_scope() as session:
        groups = open_groups(session=session)
    for g in groups[: args.limit]:
        newest = g.newest.strftime("%Y-%m-%d %H:%M") if g.newest else ""
        _out(f"{g.count:4d}  {newest}  {g.top_intent or '-':16s}  {g.text}")
    _out(f"({len(groups)} nhóm)")
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Mật khẩu: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != password:
            _out("Hai lần nhập không khớp.")
            return 1
    with session_scope() as session:
        user = create_user(session=session, username=args.username, password=password, role=args.role,
                           full_name=args.full_name)
        from bot import audit

        audit.record(session=session, username=args.user, action="create", entity="user", entity_id=user.username,
                     summary=f"Tạo tài khoản {user.username} ({user.role}) bằng dòng lệnh", after=audit.snapshot(user))
    _out(f"Đã tạo tài khoản {args.username.strip().lower()} ({args.role})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot.admin.cli", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--user", default=CLI_USER, help="name written to the audit log (default: cli)")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("import", help="import .xlsx, .zip (CSV), <table>.csv or portal .jsonl(.gz)")
    s.add_argument("file", type=Path)
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("export", help="export to .xlsx or .zip (CSV)")
    s.add_argument("file", type=Path)
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("add-faq", help="add a FAQ entry")
    s.add_argument("--slug", default="")
    s.add_argument("--topic", default="")
    s.add_argument("--question", required=True)
    s.add_argument("--answer", required=True)
    s.add_argument("--keyword", action="append", help="another way to ask (repeatable)")
    s.add_argument("--source-url", default="")
    s.set_defaults(func=cmd_add_faq)

    s = sub.add_parser("list-unanswered", help="groups of unanswered questions, newest first")
    s.add_argument("--limit", type=int, default=50)
    s.set_defaults(func=cmd_list_unanswered)

    s = sub.add_parser("create-user", help="create an admin account (password from a prompt or stdin)")
    s.add_argument("username")
    s.add_argument("--role", choices=ROLES, default="staff")
    s.add_argument("--full-name", default="")
    s.add_argument("--password-stdin", action="store_true", help="read the password from the first stdin line")
    s.set_defaults(func=cmd_create_user)
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (transfer.TransferError, editing.EditError, UserError) as exc:
        _out(f"Lỗi: {exc}")
        return 2
    except FileNotFoundError as exc:
        _out(f"Lỗi: không tìm thấy tệp {exc.filename}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
