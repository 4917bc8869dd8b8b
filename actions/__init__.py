"""Thin rasa-sdk actions: each calls a bot/ service and turns its result into messages and events."""
