"""The shape of every answer: a JSON-ready dict (strings, ints, bools, None, lists, dicts).

Views build these, the application returns them, and the command line renders them; the same
dict is `--format json`.
"""

from typing import Any

Json = dict[str, Any]
