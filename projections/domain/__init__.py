"""The domain: pure rules and folds of the log (no storage, no clock, no printing).

`rules` says how each event moves shares, shares outstanding and links; `fold` replays events
into `state.State`; `terms` the plan in force; `groups` and `beneficial` who counts together and
how much; `judge` the trigger verdicts; `obligations`, `filings`, `calendar` the filing duties.
"""
