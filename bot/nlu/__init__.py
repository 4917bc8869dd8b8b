"""Rasa graph components of our NLU pipeline."""
