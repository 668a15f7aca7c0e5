"""Parsing events: one decoded JSON object (or one line of JSON) into an event, or every problem.

Problems are data (`Problem`: line, field, reason) so a feed reports every bad line in one run,
in plain words that name the field as the user wrote it.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from owl.ledger.errors import Problem
from owl.ledger.events.registry import ADAPTER as _ADAPTER
from owl.ledger.events.registry import AnyEvent
from owl.ledger.events.values import DECIMAL_PATTERN
from owl.ledger.shares import shown

# Fields the ledger assigns; dropped from input so an exported log re-ingests elsewhere.
LEDGER_FIELDS = frozenset({"seq", "recorded_at", "hash", "prev_hash"})


def parse_event(
    raw: Any, line: int | None = None, origin: str | None = None
) -> AnyEvent | list[Problem]:
    """Validate one decoded JSON object; return the event or every problem found in it."""
    if not isinstance(raw, dict):
        return [Problem(line, None, "expected a JSON object", origin)]
    data = {k: v for k, v in raw.items() if k not in LEDGER_FIELDS}
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        return [_problem(err, data, line, origin) for err in exc.errors()]


def validate_line(text: str) -> AnyEvent:
    """One JSON object's text, parsed and validated in one pass (raises `ValidationError`)."""
    return _ADAPTER.validate_json(text)


def _problem(err: Any, data: dict[str, Any], line: int | None, origin: str | None) -> Problem:
    loc = [str(p) for p in err["loc"]]
    kind = err["type"]
    if loc and loc[0] == data.get("type"):
        loc = loc[1:]
    if kind == "union_tag_not_found":
        where = ".".join(loc) + ".change" if loc else "type"
        return Problem(line, where, "missing required field", origin)
    if kind == "union_tag_invalid":
        tag = err.get("input", {}).get("type") if loc == [] else None
        where = ".".join(loc) + ".change" if loc else "type"
        what = "event type" if where == "type" else "change"
        value = tag if tag is not None else _dig(data, where)
        return Problem(line, where, f"unknown {what} {value!r}", origin)
    loc = [p for i, p in enumerate(loc) if not (i and loc[i - 1].isdigit() and p in _CHANGES)]
    field: str | None = ".".join(loc) or None
    if kind == "missing":
        reason = "missing required field"
    elif kind == "extra_forbidden":
        reason = "unknown field"
    elif kind == "value_error":
        reason = err["msg"].removeprefix("Value error, ")
    else:
        ctx = err.get("ctx", {})
        plain = _PATTERNS.get(ctx.get("pattern", "")) if kind == "string_pattern_mismatch" else None
        said = (
            plain
            or _PLAIN.get(kind, "").format(**ctx)
            or err["msg"].replace("Input should be", "expected")
        )
        reason = f"{said}, got {shown(err['input'])}" if "input" in err else said
    return Problem(line, field, reason, origin)


# Plain words for pydantic's error kinds that users meet most (by field: shares, dates, names).
_PATTERNS = {
    DECIMAL_PATTERN: 'expected a decimal number such as 24.2 (a string in JSON: "24.2")',
    r"^[0-9]{10}$": "expected a CIK: up to 10 digits",
    r"^[0-9]{10}-[0-9]{2}-[0-9]{6}$": "expected an accession number such as 0001127602-25-001055",
    r"^[A-Z]$": "expected a transaction code: one capital letter",
}
_PLAIN = {
    "int_type": "expected a whole number (a JSON integer, not a string or a decimal)",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number, not a decimal",
    "greater_than": "must be more than {gt}",
    "greater_than_equal": "must be {ge} or more",
    "less_than_equal": "must be at most {le}",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "string_type": "expected text (a JSON string)",
    "string_too_short": "must not be blank",
    "string_too_long": "must be at most {max_length} characters",
    "too_long": "must be at most {max_length} characters",
    "too_short": "must not be blank",
}


_CHANGES = frozenset({"exemption", "remove_exemption", "threshold", "rights_agent", "expiration"})


def _dig(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list | tuple) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data
