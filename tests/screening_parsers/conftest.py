"""Fixtures for the screening parsers' tests (pure Python: run with ``-p no:django``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def shared_data_dir() -> Path:
    """``../shared/data`` beside the checkout, or ``$TIAKI_SHARED_DATA``."""
    env = os.environ.get("TIAKI_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


@pytest.fixture
def paxlst_dir() -> Path:
    path = shared_data_dir() / "paxlst"
    if not path.is_dir():
        pytest.skip(f"GTAS PAXLST samples not found at {path} (set TIAKI_SHARED_DATA to the "
                    "shared/data folder to run this test)")
    return path
