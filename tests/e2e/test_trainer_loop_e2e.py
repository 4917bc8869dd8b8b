"""The trainer loop, end to end: a question the bot cannot answer is labelled in the admin, `make train`
runs (the trainers' command, with the small CI config), and that question and a paraphrase of it are
then answered with the labelled procedure, with no code change.

Runs its own Rasa and action servers on a copy of the seeded knowledge base without a ranker (so the
first trained ranker is promoted, as on a new deployment), and `make train` in a fresh clone so the
checkout's models/ is untouched. A few minutes on two cores.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot import db
from bot.analytics.models import UnansweredQuestion
from tests.admin.admin_helpers import csrf_from
from tests.e2e.stack import ROOT, Stack, free_port, start_stack, web_server
from tests.training.test_make_train_e2e import fresh_clone

pytestmark = pytest.mark.e2e

CODE = "1.004222"  # Đăng ký thường trú
QUESTION = "Nhà tui muốn ghi tên thằng cháu vô cuốn sổ gia đình ở làng thì mần giấy chi rứa?"
PARAPHRASE = "ghi tên cháu vô cuốn sổ gia đình ở làng thì cần giấy tờ gì"
PASSWORD = "mat-khau-huan-luyen-789"


@pytest.fixture(scope="module")
def loop_stack(tmp_path_factory: pytest.TempPathFactory, seeded_template: Path) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("loop"), seeded_template)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def admin_url(loop_stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """bot.web (the admin) on the loop's knowledge base, with one trainer account."""
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "bot.admin.cli", "create-user", "huanluyen", "--role", "trainer",
         "--password-stdin"], input=PASSWORD + "\n", text=True, cwd=ROOT, env=loop_stack.env, check=True,
    )
    log = tmp_path_factory.mktemp("loop-web") / "web.log"
    with web_server(loop_stack.env, free_port(), log) as url:
        yield url


def _codes(reply: str) -> set[str]:
    return set(re.findall(r"mã (\d\.\d{6})", reply))


def _label_in_the_admin(base: str, stack: Stack) -> None:
    """Log in as the trainer and label the unanswered question's group with the procedure."""
    db.reset_engine(stack.database_url)
    with db.session_scope() as session:
        ids = [q.id for q in session.execute(select(UnansweredQuestion)).scalars() if "sổ gia đình" in q.text]
    db.get_engine().dispose()
    assert ids, "the question was not recorded as unanswered"
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as web:
        page = web.get("/admin/login")
        web.post("/admin/login", data={"csrf_token": csrf_from(page.text), "username": "huanluyen",
                                       "password": PASSWORD, "next": "/admin/"})
        review = web.get("/admin/unanswered")
        assert review.status_code == 200 and "sổ gia đình" in review.text
        done = web.post("/admin/unanswered/label", data={
            "csrf_token": csrf_from(review.text), "ids": ",".join(map(str, ids)), "texts": QUESTION,
            "code": CODE, "fact": "documents",
        })
        assert done.status_code == 302 and "err=" not in done.headers["location"], done.headers.get("location")


def test_a_labelled_question_and_its_paraphrase_are_answered_after_make_train(loop_stack, admin_url, tmp_path):
    before = loop_stack.reply_text(QUESTION, sender="loop-before")
    assert CODE not in _codes(before), before

    _label_in_the_admin(admin_url, loop_stack)

    clone = fresh_clone(tmp_path / "clone")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RASA_", "TRAIN_CONFIG", "PYTHONPATH"))}
    env.update(DATABASE_URL=loop_stack.database_url, TRAIN_CONFIG="tests/training/config-ci.yml",
               RASA_URL=loop_stack.rasa_url, RANKER_GENERATED_PER_PROCEDURE="1")  # as trainers run it
    done = subprocess.run(["make", "-o", "setup", "train"], cwd=clone, env=env, capture_output=True, text=True,
                          timeout=1800)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "promoted" in done.stdout + done.stderr, done.stderr[-6000:]

    for text in (QUESTION, PARAPHRASE):
        reply = loop_stack.reply_text(text, sender=f"loop-after-{abs(hash(text))}")
        assert _codes(reply) and _codes(reply) <= {CODE, "1.116788"}, f"{text} -> {reply}"
        assert "Giấy tờ" in reply or "giấy tờ" in reply, reply
