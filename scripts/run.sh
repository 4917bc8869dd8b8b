#!/usr/bin/env bash
# Start the whole assistant on the embedded defaults: SQLite knowledge base, local model,
# Rasa (REST) on 127.0.0.1:5005, action server on 127.0.0.1:5055, web widget and admin on :8080, the
# training worker. Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p var
[ -f .env ] && set -a && . ./.env && set +a
export ACTION_SERVER_URL=${ACTION_SERVER_URL:-http://localhost:5055/webhook}
export PYTHONPATH=$PWD
echo "==> preparing the knowledge base (${DATABASE_URL:-sqlite:///var/tthc.db})"
.venv/bin/python -m bot.knowledge.seed
# The procedure ranker lives in the database; the first run trains one (a few minutes), later runs
# keep the active one (make train replaces it when a better one passes the gate).
echo "==> procedure ranker (trained once if there is none)"
.venv/bin/python -m bot.understanding.train --if-missing
if ! ls models/*.tar.gz >/dev/null 2>&1; then
  echo "==> no model yet: training one (a few minutes)"
  .venv/bin/rasa train --quiet
fi
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
# Rasa's HTTP API (conversations, model upload) and the action server listen on loopback only; the
# browser widget reaches just the chat webhook, which allows CORS for WIDGET_ORIGINS (bot/channels/rest.py).
auth=()
[ -n "${RASA_AUTH_TOKEN:-}" ] && auth=(--auth-token "$RASA_AUTH_TOKEN")
ACTION_SERVER_HOST=127.0.0.1 .venv/bin/python -m bot.action_server > var/actions.log 2>&1 & pids+=($!)
.venv/bin/rasa run --enable-api "${auth[@]}" --interface 127.0.0.1 --port 5005 --credentials credentials.yml \
  --endpoints endpoints.yml --logging-config-file deploy/logging.yml > var/rasa.log 2>&1 & pids+=($!)
.venv/bin/python -m bot.web > var/web.log 2>&1 & pids+=($!)
# Runs the trainings queued from the admin (Huấn luyện lại) in its own process, never in the web server.
.venv/bin/python -m bot.training.worker > var/trainer.log 2>&1 & pids+=($!)
echo "==> waiting for Rasa to load the model"
for _ in $(seq 1 180); do
  curl -fs "http://127.0.0.1:5005/status${RASA_AUTH_TOKEN:+?token=$RASA_AUTH_TOKEN}" >/dev/null 2>&1 && break
  sleep 1
done
cat <<MSG

Ready.
  Chat in the browser:   http://localhost:${WEB_PORT:-8080}/
  REST API:              curl -s localhost:5005/webhooks/rest/webhook -d '{"sender":"me","message":"đăng ký tạm trú cần gì"}'
  Logs:                  var/rasa.log, var/actions.log, var/web.log, var/trainer.log
Press Ctrl-C to stop.
MSG
wait
