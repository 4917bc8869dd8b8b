-- Second database of the compose setup: Rasa's tracker store (the knowledge base is "tthc").
CREATE DATABASE rasa_tracker;
