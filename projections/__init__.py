"""Projections: pure folds of the event log into point-in-time state."""
