# Front door of the project. `make help` lists the targets.
SHELL := /bin/bash
PY := .venv/bin/python
export PYTHONPATH := $(CURDIR)

.PHONY: help setup run test test-unit train trainer eval eval-blind bench lint seed nlu telegram web create-admin

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## create .venv (Python 3.10) and install the project
	@bash scripts/setup.sh

run: ## set up, load the seed, train if there is no model, start Rasa, actions and the web widget
	@bash scripts/run.sh

test: setup ## all tests: unit, browser and end-to-end (trains a small model once)
	$(PY) -m pytest -q -p no:cacheprovider

test-unit: setup ## fast tests only (no model, no browser)
	$(PY) -m pytest -q -m "not e2e and not browser"

web: setup ## only the web widget, demo page and admin (http://localhost:8080)
	$(PY) -m bot.web

telegram: setup ## the Telegram bridge (TELEGRAM_BOT_TOKEN and TELEGRAM_BRIDGE_SECRET in .env; docs/channels.md)
	@set -a; [ -f .env ] && . ./.env; set +a; $(PY) -m bot.channels.telegram

create-admin: setup ## create the first admin user (asks for the password)
	$(PY) -m bot.admin.cli create-user admin --role admin

seed: setup ## apply migrations and load data/seed into DATABASE_URL
	$(PY) -m bot.knowledge.seed

nlu: setup ## regenerate data/nlu/procedure_questions.yml from the labelled questions and the seeded knowledge base
	$(PY) scripts/generate_nlu.py

train: setup ## trainer pipeline: export, train, score old and new on the frozen held-out set, promote if not worse, reload Rasa
	$(PY) -m bot.training

trainer: setup ## the training worker: runs the trainings queued from the admin (make run starts it)
	$(PY) -m bot.training.worker

eval: setup ## score the running bot (RASA_URL) on the development question sets
	$(PY) -m bot.evaluation ../shared/data/eval/citizen-questions-dev.jsonl eval/procedure-questions-heldout.jsonl \
		--accept tests/data/dev-accept.json --brief

eval-blind: setup ## score the running bot on the frozen blind set (only at the start and end of a piece of work)
	$(PY) -m bot.evaluation tests/data/blind-2026-12/questions-blind-2026-12.jsonl --brief

bench: setup ## benchmarks (see docs/benchmarks.md)
	$(PY) scripts/bench.py

lint: setup ## ruff and mypy
	$(PY) -m ruff check bot actions tests scripts
	$(PY) -m mypy
