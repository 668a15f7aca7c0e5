"""A bulk operation holds the garbage collector back and gives the caller's settings back."""

from __future__ import annotations

import gc

import pytest

from owl.projections.maintained.heap import THRESHOLD, bulk


def test_the_collector_is_held_back_and_restored() -> None:
    before = gc.get_threshold()
    with bulk():
        assert gc.get_threshold() == THRESHOLD
        assert gc.get_freeze_count() > 0
        with bulk():  # an inner one changes nothing
            assert gc.get_threshold() == THRESHOLD
        assert gc.get_threshold() == THRESHOLD
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_the_settings_come_back_when_the_operation_fails() -> None:
    before = gc.get_threshold()
    with pytest.raises(ValueError), bulk():
        raise ValueError("refused")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
