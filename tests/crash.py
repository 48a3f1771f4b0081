"""Running Tiaki code in a child process against the test database, to ``kill -9`` it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.db import connection

PRELUDE = ("import os, sys, time, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
           "'tiaki.settings'); django.setup()\n")


def child_env() -> dict[str, str]:
    """The environment for a child that sees this test's database (PostgreSQL only: the
    SQLite test database lives in this process's memory)."""
    s = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("a killed child process must share the test database, which on SQLite is "
                    "in this process's memory; CI runs this on PostgreSQL")
    auth = quote(s["USER"] or "") + (f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else "")
    url = f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "TIAKI_ENV": "test"}


def start(code: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", PRELUDE + code, *args],
                            env={**child_env(), **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_line(child: subprocess.Popen[str], marker: str, timeout: float = 120) -> str:
    """Read the child's output until a line contains ``marker`` (the child must flush)."""
    deadline = time.monotonic() + timeout
    assert child.stdout is not None
    while time.monotonic() < deadline:
        line = child.stdout.readline()
        if marker in line:
            return line
        if not line and child.poll() is not None:
            raise AssertionError(f"child ended ({child.returncode}) before {marker!r}: "
                                 f"{child.stderr.read() if child.stderr else ''}")
    raise AssertionError(f"no {marker!r} within {timeout} s")


def kill9(child: subprocess.Popen[str]) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
