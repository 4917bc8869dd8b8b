"""Web front: serves the embeddable chat widget and a demo page (``python -m bot.web``)."""
