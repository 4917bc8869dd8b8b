"""Knowledge base: procedures, aliases and FAQ entries, and how to find them."""
