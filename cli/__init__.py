"""The `owl` command line: parse, call the ledger and projections, print, translate errors."""
