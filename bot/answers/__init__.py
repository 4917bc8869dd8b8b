"""Turning knowledge-base records into short Vietnamese replies."""
