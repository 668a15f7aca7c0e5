"""The maintained tables: what is kept beside the log so every question costs the same at any size.

The maintainer (`maintain`) keeps running positions and the append's checks; `checkpoints` stores
the fold's state every `INTERVAL` events (`codec` encodes it); `follow`, `following` and `offload`
take those checkpoints while a big append goes on; `tables` holds the tables' SQL. All of it is
derived: `rewrite` writes it again from the log (a rebuild, or verify's check), giving the same
rows.
"""
