"""Thin rasa-sdk actions: each calls a bot/ service and turns its result into messages and events."""

from bot.observability import install_pii_filter

install_pii_filter()  # the action server logs citizens' messages: mask personal data in every record
