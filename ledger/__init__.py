"""The ledger: typed events, the append-only hash-chained log, and its stores.

Nothing here prints, reads the clock, or knows about the command line.
"""
