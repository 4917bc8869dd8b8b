"""docs/channels.md and docs/operations.md describe what the code does (issue 11 item 15)."""

from __future__ import annotations

import re

from bot.channels.config import ZaloConfig
from bot.settings import PROJECT_ROOT

CHANNELS = (PROJECT_ROOT / "docs" / "channels.md").read_text(encoding="utf-8")
OPERATIONS = (PROJECT_ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
ENV_EXAMPLE = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
READS_ENV = re.compile(r"""\benv(?:_int|_float|_list)?\(\s*"([A-Z][A-Z0-9_]+)\"""")


def variables_read_by(*modules: str) -> set[str]:
    names: set[str] = set()
    for module in modules:
        names |= set(READS_ENV.findall((PROJECT_ROOT / module).read_text(encoding="utf-8")))
    # Zalo's variables are read through a helper that pairs each credentials key with its variable.
    config = (PROJECT_ROOT / "bot" / "channels" / "config.py").read_text(encoding="utf-8")
    return names | set(re.findall(r'pick\(\s*"\w+",\s*"([A-Z_]+)"', config))


def test_every_channel_variable_is_documented_and_in_env_example():
    names = variables_read_by(*(f"bot/channels/{p.name}" for p in (PROJECT_ROOT / "bot" / "channels").glob("*.py")),
                              "bot/action_server.py")
    assert {"REDIS_URL", "TELEGRAM_BRIDGE_SECRET", "WIDGET_ORIGINS", "ZALO_ANONYMOUS_MESSAGE_URL"} <= names
    undocumented = sorted(n for n in names if n not in CHANNELS + OPERATIONS)
    missing_example = sorted(n for n in names if not re.search(rf"^{n}=", ENV_EXAMPLE, re.M))
    assert (undocumented, missing_example) == ([], [])


def test_zalo_reply_endpoints_in_the_docs_are_the_defaults():
    config = ZaloConfig(app_id="a", app_secret="b", oa_secret_key="c")
    assert f"`{config.follower_message_endpoint}`" in CHANNELS
    assert f"`{config.anonymous_message_endpoint}`" in CHANNELS


def test_the_operator_facts_are_written_down():
    assert "Verify the domain" in CHANNELS and "Lọc cú pháp" in CHANNELS and "off" in CHANNELS
    assert "delete the stored pair" in CHANNELS and "rm var/zalo_tokens.json" in CHANNELS
    assert "48 hours" in CHANNELS and "at most 8 messages" in CHANNELS
    assert "models/current.tar.gz" in OPERATIONS
    assert "--cors" in OPERATIONS and "ACTION_SERVER_TOKEN" in OPERATIONS
