"""Admin users, a procedure and an admin test client (the migrated database comes from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import db
from bot.admin.app import create_standalone_app
from bot.admin.users import create_user
from bot.knowledge.models import FEE_AMOUNT, ChannelOption, Procedure
from tests.admin.admin_helpers import PASSWORD


@pytest.fixture()
def users(database: Path) -> dict[str, str]:
    with db.session_scope() as s:
        for name, role in (("canbo", "staff"), ("hlv", "trainer"), ("quantri", "admin")):
            create_user(session=s, username=name, password=PASSWORD, role=role)
    return {"staff": "canbo", "trainer": "hlv", "admin": "quantri"}


@pytest.fixture()
def procedure(database: Path) -> dict[str, int]:
    with db.session_scope() as s:
        proc = Procedure(code="1.004222", name="Đăng ký thường trú", levels="Cấp xã", field="Cư trú")
        proc.channels.append(ChannelOption(channel="truc_tiep", position=0, time_value=7.0,
                                           time_unit="Ngày làm việc", fee_kind=FEE_AMOUNT, fee_amount=20000,
                                           fee_text="20.000 đồng"))
        proc.channels.append(ChannelOption(channel="truc_tuyen", position=1, time_value=7.0,
                                           time_unit="Ngày làm việc", fee_kind=FEE_AMOUNT, fee_amount=10000))
        s.add(proc)
        s.flush()
        return {"procedure": proc.id, "in_person": proc.channels[0].id, "online": proc.channels[1].id}


@pytest.fixture()
async def client(database: Path) -> AsyncIterator[TestClient]:
    server = TestServer(create_standalone_app())
    async with TestClient(server) as c:
        yield c
