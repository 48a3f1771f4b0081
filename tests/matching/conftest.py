"""Fixtures for the matching engine's tests (pure Python: no Django needed)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def shared_data_dir() -> Path:
    env = os.environ.get("TIAKI_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"shared reference data not found at {path} (set TIAKI_SHARED_DATA)")
    return path
