#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter, or explain how to get one and exit 1.
# rasa 3.6.21 needs Python < 3.11 and underthesea >= 9.3 needs >= 3.10: only 3.10 fits.
set -u
is310() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for d in "$root"/versions/3.10*; do [ -x "$d/bin/python" ] && candidates+=("$d/bin/python"); done
fi
for d in "$HOME"/.pyenv/versions/3.10*; do [ -x "$d/bin/python" ] && candidates+=("$d/bin/python"); done
for name in python3.10 python3 python; do
  p=$(command -v "$name" 2>/dev/null) && candidates+=("$p")
done
for c in /usr/bin/python3.10 /usr/local/bin/python3.10; do [ -x "$c" ] && candidates+=("$c"); done
for c in "${candidates[@]}"; do
  if is310 "$c"; then echo "$c"; exit 0; fi
done
cat >&2 <<'MSG'
Không tìm thấy Python 3.10 — cần đúng phiên bản 3.10 (rasa 3.6 chỉ chạy dưới 3.11, underthesea cần từ 3.10).
Python 3.10 was not found. Install it, then run the command again, for example:
  pyenv install 3.10.13            (then this project's .python-version selects it)
  sudo apt-get install python3.10 python3.10-venv
or point PYTHON=/path/to/python3.10 at one you have.
MSG
exit 1
