"""Setup finds a Python 3.10 or says clearly how to get one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "find_python.sh"


def test_the_python_given_in_PYTHON_is_used():
    result = subprocess.run(["bash", str(SCRIPT)], env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable, "HOME": "/nonexistent"},
                            capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == sys.executable


def test_no_python_310_gives_a_clear_message_not_a_traceback(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "python3").write_text("#!/bin/sh\nexit 1\n")  # a python3 that is not 3.10
    (fake / "python3").chmod(0o755)
    result = subprocess.run(["bash", str(SCRIPT)], env={"PATH": f"{fake}:/bin", "HOME": str(tmp_path)},
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "Python 3.10" in result.stderr and "pyenv install 3.10" in result.stderr
    assert "Traceback" not in result.stderr
