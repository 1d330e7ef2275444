#!/usr/bin/env python3
"""
Tandem's two commands, needing nothing but Python 3.11+:

    python3 dev.py run     set up everything (virtual environment, requirements, database, seed
                           catalog) and serve the app on http://127.0.0.1:8000
    python3 dev.py test    set up everything the tests need and run the whole test suite

Extra arguments after `test` go to pytest (`python3 dev.py test -k import`).
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"


def ensure_environment(requirements):
    """Create .venv and install `requirements` into it, unless that was already done."""
    if sys.version_info < (3, 11):
        sys.exit("Tandem needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv …", flush=True)
        venv.create(VENV, with_pip=True)
    stamp = VENV / f".installed-{requirements}"
    wanted = _requirements_digest(requirements)
    if not stamp.exists() or stamp.read_text() != wanted:
        print(f"Installing {requirements} …", flush=True)
        _run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements)
        stamp.write_text(wanted)


def _requirements_digest(requirements):
    text = "".join((ROOT / name).read_text() for name in ("requirements.txt", requirements))
    return hashlib.sha256(text.encode()).hexdigest()


def _run(*args):
    completed = subprocess.run([str(arg) for arg in args], cwd=ROOT)
    if completed.returncode:
        sys.exit(completed.returncode)


def run():
    ensure_environment("requirements.txt")
    _run(PYTHON, "manage.py", "migrate", "--no-input")
    _run(PYTHON, "manage.py", "load_catalog")
    os.execv(PYTHON, [str(PYTHON), "manage.py", "runserver", "127.0.0.1:8000"])


def test(pytest_args):
    ensure_environment("requirements-dev.txt")
    os.chdir(ROOT)
    os.execv(PYTHON, [str(PYTHON), "-m", "pytest", *pytest_args])


if __name__ == "__main__":
    command, *rest = sys.argv[1:] or ["help"]
    if command == "run":
        run()
    elif command == "test":
        test(rest)
    else:
        sys.exit(__doc__)
