"""Channels: Telegram (python-telegram-bot bridge), Zalo OA (Rasa InputChannel), web widget helpers."""
