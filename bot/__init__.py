"""Quảng Trị citizen-service assistant: everything except Rasa's own files."""
