"""The explorer's JSON API: `GET /api/VIEW`, one per view of the command line, and its OpenAPI
document.

Each view takes the command's options as query parameters, named as the options are without
their dashes (`--as-of` is `as_of`, `--from` is `from`), parsed by the very types the command
line parses them with, and answers with the body `owl VIEW --format json` prints, from the same
`Ledger` method: one implementation of every rule. `log` answers the objects `owl log --format
jsonl` prints, one per event, at most `limit` of them (default 1,000; the command line has no
limit, a page of a web answer needs one). A bad parameter is a 400 naming it, an unknown issuer
or person a 404, each with `{"error": ...}`, as the command line's `Error: ...`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

import click

from owl.cli.common import Day, KnownAt
from owl.cli.logcmds import jsonl_line
from owl.ledger.shares import json_default

if TYPE_CHECKING:
    from owl.projections.application.api import Ledger


class Param(NamedTuple):
    name: str
    kind: str  # "string", "date", "instant", "boolean", "integer", "strings" (repeatable)
    required: bool
    help: str


ISSUER = Param("issuer", "string", True, "Issuer key, ticker or CIK, e.g. INOC.")
AS_OF = Param("as_of", "date", True, "The date, YYYY-MM-DD.")
KNOWN = Param(
    "known_at",
    "instant",
    False,
    "Answer as the ledger knew it at this instant: an ISO 8601 timestamp with a zone, or a date "
    "(the end of that day in UTC).",
)
SECURITY = Param("security", "string", False, "The class of stock, as filings name it.")


class View(NamedTuple):
    """A view: its parameters, in the order its `Ledger` method takes them, that method's name,
    and what it answers (`special`: a view whose answer is not the method's as it stands)."""

    params: tuple[Param, ...]
    method: str
    summary: str
    special: Callable[[Ledger, Mapping[str, Any]], Any] | None = None

    def answer(self, ledger: Ledger, p: Mapping[str, Any]) -> Any:
        if self.special is not None:
            return self.special(ledger, p)
        return getattr(ledger, self.method)(*(p[param.name] for param in self.params))


def _log(ledger: Ledger, p: Mapping[str, Any]) -> list[Any]:
    rows = ledger.log(
        p["issuer"],
        p["known_at"],
        types=p["type"],
        holder=p["holder"],
        start=p["from"],
        end=p["to"],
    )
    out: list[Any] = []
    for recorded in rows:
        if len(out) >= p["limit"]:
            break
        out.append(json.loads(jsonl_line(recorded)))
    return out


VIEWS: dict[str, View] = {
    "status": View(
        (ISSUER, AS_OF, KNOWN),
        "status",
        "Each group's standing under the rights plan on a date (owl status).",
    ),
    "ownership": View(
        (ISSUER, AS_OF, KNOWN, SECURITY),
        "ownership",
        "Holdings per holder and per group on a date (owl ownership).",
    ),
    "explain": View(
        (ISSUER, Param("person", "string", True, "A holder, person or group label."), AS_OF, KNOWN),
        "explain",
        "Why a group has its status on a date, with the events behind it (owl explain).",
    ),
    "timeline": View(
        (ISSUER, Param("person", "string", False, "Only changes concerning this person."), KNOWN),
        "timeline",
        "Every change of standing, crossing and plan event (owl timeline).",
    ),
    "obligations": View(
        (
            ISSUER,
            Param("person", "string", False, "Only what concerns this person or group."),
            Param("as_of", "date", False, "Judge each obligation as of this date (today)."),
            KNOWN,
        ),
        "obligations",
        "The SEC filings owed, by when, and whether they were made (owl obligations).",
    ),
    "reconcile": View(
        (
            ISSUER,
            Param("holder", "string", False, "Only this holder's breaks."),
            KNOWN,
            Param("taken", "boolean", False, "Also the reports taken as the position."),
        ),
        "reconcile",
        "Each break between a reported holding and the replay (owl reconcile).",
    ),
    "holders": View(
        (ISSUER, Param("as_of", "date", False, "The date (its last event's)."), KNOWN, SECURITY),
        "holders",
        "Every holder of an issuer on a date (owl holders).",
    ),
    "issuers": View((), "directory", "Every issuer (owl issuers)."),
    "log": View(
        (
            Param("issuer", "string", False, "Only this issuer's events."),
            Param("type", "strings", False, "Only events of this type (repeat for several)."),
            Param("holder", "string", False, "Only events naming this holder or person."),
            Param("from", "date", False, "Only events effective on or after this date."),
            Param("to", "date", False, "Only events effective on or before this date."),
            KNOWN,
            Param("limit", "integer", False, "At most this many events (default 1,000)."),
        ),
        "log",
        "The events as recorded, in seq order (owl log --format jsonl).",
        _log,
    ),
    "series": View(
        (
            ISSUER,
            Param("group", "strings", False, "A member or group label to follow (repeat)."),
            Param("from", "date", False, "First date (default: the first event)."),
            Param("to", "date", False, "Last date (default: the last event)."),
            KNOWN,
        ),
        "series",
        "Each followed group's percent over a range: the data of owl chart.",
    ),
}


class BadParameter(ValueError):
    pass


def parse(view: View, query: Mapping[str, list[str]]) -> dict[str, Any]:
    """The view's parameters from a query string's values, parsed as the command line would."""
    known = {p.name for p in view.params}
    unknown = sorted(set(query) - known)
    if unknown:
        raise BadParameter(f"unknown parameter {unknown[0]!r}; this view takes {sorted(known)}")
    out: dict[str, Any] = {}
    for p in view.params:
        values = [v.strip() for v in query.get(p.name, []) if v.strip()]
        if not values:
            if p.required:
                raise BadParameter(f"missing parameter {p.name!r}: {p.help}")
            out[p.name] = 1_000 if p.name == "limit" else None
            continue
        out[p.name] = _value(p, values)
    return out


def _value(p: Param, values: list[str]) -> Any:
    if p.kind == "strings":
        return values
    if len(values) > 1:
        raise BadParameter(f"parameter {p.name!r} given {len(values)} times")
    value = values[0]
    try:
        if p.kind == "date":
            day: date = Day().convert(value, None, None)
            return day
        if p.kind == "instant":
            moment: datetime = KnownAt().convert(value, None, None)
            return moment
    except click.BadParameter as exc:
        raise BadParameter(f"parameter {p.name!r}: {exc.message}") from exc
    if p.kind == "boolean":
        if value.lower() not in ("true", "false", "1", "0"):
            raise BadParameter(f"parameter {p.name!r}: {value!r} is not true or false")
        return value.lower() in ("true", "1")
    if p.kind == "integer":
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= 100_000:
            raise BadParameter(f"parameter {p.name!r}: {value!r} is not a number from 1 to 100000")
        return int(value)
    return value


def dumps(body: Any) -> bytes:
    """The body as `owl VIEW --format json` writes it (amounts as the command line writes them)."""
    return json.dumps(body, ensure_ascii=False, default=json_default).encode()


_TYPES = {
    "string": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "instant": {"type": "string"},
    "boolean": {"type": "boolean"},
    "integer": {"type": "integer", "minimum": 1, "maximum": 100_000},
    "strings": {"type": "array", "items": {"type": "string"}},
}


def openapi(version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the API."""
    error = {
        "description": "The error, as the command line words it.",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"error": {"type": "string"}},
                    "required": ["error"],
                }
            }
        },
    }
    paths: dict[str, Any] = {}
    for name, view in VIEWS.items():
        body = (
            {"type": "array", "items": {"type": "object"}} if name == "log" else {"type": "object"}
        )
        paths[f"/api/{name}"] = {
            "get": {
                "operationId": name,
                "summary": view.summary,
                "parameters": [
                    {
                        "name": p.name,
                        "in": "query",
                        "required": p.required,
                        "description": p.help,
                        "schema": _TYPES[p.kind],
                        **({"explode": True} if p.kind == "strings" else {}),
                    }
                    for p in view.params
                ],
                "responses": {
                    "200": {
                        "description": "The answer.",
                        "content": {"application/json": {"schema": body}},
                    },
                    "400": error,
                    "401": error,
                    "404": error,
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "owl explorer API", "version": version},
        "paths": paths,
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
    }
