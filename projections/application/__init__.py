"""The application: the `Ledger` facade (one method per question) and the clock.

Each method opens the store, finds the state it needs at (as_of, known_at) and hands it to a view;
the command line and Python users go through here and nowhere else.
"""
