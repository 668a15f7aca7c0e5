"""`owl serve`: the explorer, a local web server over the same `Ledger` the commands use.

A Starlette application (`app`) served by uvicorn: the pages of `owl.cli.webpages`, the JSON API
of `owl.cli.webapi` and its OpenAPI document at `/openapi.json`. Read-only by construction: it
calls only the ledger's read methods. It binds 127.0.0.1 unless told otherwise; on any other
address it needs a token (`--token` or `OWL_TOKEN`), and with a token every request must carry
`Authorization: Bearer TOKEN` (else 401). One ledger serves every request, one at a time (its
reads are short; the chart of a page is cached per issuer, date and recording seen).
"""

from __future__ import annotations

import hmac
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import click

from owl.cli.common import Settings, open_ledger
from owl.cli.webapi import VIEWS, BadParameter, dumps, openapi, parse
from owl.ledger.errors import (
    ChainBroken,
    DerivedDiffers,
    LedgerError,
    NotInitialized,
    StoreUnavailable,
    UnknownIssuer,
    UnknownPerson,
)

if TYPE_CHECKING:
    from owl.projections.application.api import Ledger

LOOPBACK = ("127.0.0.1", "localhost", "::1")
CHARTS = 64  # charts kept
EMPTY_CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="40"><text x="10" y="25">'
    "Nothing to chart by this date.</text></svg>"
)


def app(ledger: Ledger, token: str | None, version: str, hosts: list[str] | None = None) -> Any:
    """The ASGI application over `ledger`; with `hosts`, a request naming another `Host` is
    refused (400), so a web page whose name was made to point at 127.0.0.1 (DNS rebinding)
    cannot read the ledger through the user's browser."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse, Response
    from starlette.routing import Route

    from owl.cli import webpages, webparts

    lock = threading.Lock()
    drawing = threading.Lock()  # matplotlib's settings are global: one chart drawn at a time
    charts: OrderedDict[tuple[str, str, str], str] = OrderedDict()

    def answer(call: Callable[[], Any]) -> Any:
        with lock:
            return call()

    def error(exc: Exception) -> Response:
        return JSONResponse({"error": str(exc)}, status_code=status_of(exc))

    def query(request: Request) -> dict[str, list[str]]:
        return parse_qs(request.url.query, keep_blank_values=True)

    def api(request: Request) -> Response:
        view = VIEWS.get(request.path_params["view"])
        if view is None:
            return JSONResponse(
                {
                    "error": f"no view {request.path_params['view']!r}; the views: "
                    f"{', '.join(VIEWS)}"
                },
                status_code=404,
            )
        try:
            params = parse(view, query(request))
            body = answer(lambda: view.answer(ledger, params))
        except (BadParameter, LedgerError) as exc:
            return error(exc)
        return Response(dumps(body), media_type="application/json")

    def document(request: Request) -> Response:
        return JSONResponse(openapi(version))

    def issuers(request: Request) -> Response:
        q = request.query_params.get("q", "")
        return HTMLResponse(webpages.issuers_page(answer(ledger.directory), q))

    def chart(key: str, as_of: str, stamp: str) -> str:
        """The chart's SVG document, made once per issuer, date and recording seen."""
        from owl.cli.chart import chart_svg
        from owl.projections.application.inputs import EmptyRange

        found = charts.get((key, as_of, stamp))
        if found is None:
            try:
                series = answer(lambda: ledger.series(key, end=as_of, known_at=stamp))
                with drawing:
                    found = chart_svg(series)
            except EmptyRange:
                found = EMPTY_CHART
            charts[(key, as_of, stamp)] = found
            if len(charts) > CHARTS:
                charts.popitem(last=False)
        return found

    def chart_image(request: Request) -> Response:
        q = query(request)
        try:
            params = parse(VIEWS["status"], {**q, "issuer": [request.path_params["key"]]})
            status = answer(lambda: ledger.status(params["issuer"], params["as_of"],
                                                  params["known_at"]))  # fmt: skip
        except (BadParameter, LedgerError) as exc:
            return error(exc)
        svg = chart(status["issuer"], status["as_of"], status["known_at"])
        return Response(svg, media_type="image/svg+xml",
                        headers={"Cache-Control": "private, max-age=3600"})  # fmt: skip

    def issuer(request: Request) -> Response:
        asked = request.path_params["key"]
        q = query(request)
        try:
            directory = answer(ledger.directory)
            entries = {e["issuer"]: e for e in directory["issuers"]}
            key = answer(lambda: ledger.issuer_key(asked))
            entry = entries[key]
            if not [v for v in q.get("as_of", []) if v.strip()]:
                q["as_of"] = [entry["last_date"]]
            params = parse(
                VIEWS["status"],
                {"issuer": [key], "as_of": q["as_of"], "known_at": q.get("known_at", [])},
            )
            status = answer(lambda: ledger.status(key, params["as_of"], params["known_at"]))
            found = answer(
                lambda: ledger.obligations(key, None, params["as_of"], params["known_at"])
            )
        except (BadParameter, LedgerError) as exc:
            return HTMLResponse(
                webparts.page("owl explorer", str(exc)),
                status_code=status_of(exc),
            )
        title = entry.get("name") or key
        known = q.get("known_at", [""])[0].strip() or None
        dates = (entry["first_date"], entry["last_date"])
        page = webpages.issuer_page(key, title, dates, status, found, known)
        return HTMLResponse(page)

    def explain(request: Request) -> Response:
        key = request.path_params["key"]
        q = query(request)
        try:
            params = parse(VIEWS["explain"], {**q, "issuer": [key]})
            body = answer(lambda: VIEWS["explain"].answer(ledger, params))
        except (BadParameter, LedgerError) as exc:
            return HTMLResponse(webparts.page("owl explorer", str(exc)), status_of(exc))
        known = q.get("known_at", [""])[0].strip() or None
        return HTMLResponse(webpages.explain_page(key, body, known))

    def event(request: Request) -> Response:
        from owl.cli.logcmds import jsonl_line

        text = request.path_params["seq"]
        number = text.isascii() and text.isdigit()
        recorded = answer(lambda: ledger.event(int(text))) if number else None
        if recorded is None:
            return HTMLResponse(webparts.page("owl explorer", f"No event {text}."), 404)
        entries = {e["issuer"]: e for e in answer(ledger.directory)["issuers"]}
        cik = entries.get(recorded.event.issuer, {}).get("cik")
        return HTMLResponse(webpages.event_page(json.loads(jsonl_line(recorded)), cik))

    routes = [
        Route("/", issuers),
        Route("/issuer/{key}", issuer),
        Route("/issuer/{key}/explain", explain),
        Route("/issuer/{key}/chart.svg", chart_image),
        Route("/event/{seq}", event),
        Route("/api/{view}", api),
        Route("/openapi.json", document),
    ]
    application: Any = Starlette(routes=routes)
    if hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        application = TrustedHostMiddleware(application, allowed_hosts=hosts)
    return TokenRequired(application, token) if token else application


def status_of(exc: Exception) -> int:
    """404 for a name the ledger does not know, 503 when the database cannot be reached, 500
    for a ledger that fails its own checks, 400 for the rest (the request's own mistakes)."""
    from owl.ledger.tail import TailTampered

    if isinstance(exc, UnknownIssuer | UnknownPerson):
        return 404
    if isinstance(exc, StoreUnavailable | NotInitialized):
        return 503
    if isinstance(exc, ChainBroken | DerivedDiffers | TailTampered):
        return 500
    return 400


class TokenRequired:
    """ASGI middleware: every HTTP request must carry `Authorization: Bearer TOKEN`."""

    def __init__(self, inner: Any, token: str) -> None:
        self.inner, self.expected = inner, f"Bearer {token}".encode()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            given = dict(scope["headers"]).get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                body = json.dumps(
                    {"error": "a bearer token is required (Authorization: Bearer TOKEN)"}
                ).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"www-authenticate", b"Bearer"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.inner(scope, receive, send)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to bind.")
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="The port to listen on.",
)
@click.option(
    "--token",
    envvar="OWL_TOKEN",
    default=None,
    metavar="TOKEN",
    help="Require `Authorization: Bearer TOKEN` on every request; needed to bind an "
    "address other than the loopback one. [env var: OWL_TOKEN]",
)
@click.pass_obj
def serve(settings: Settings, host: str, port: int, token: str | None) -> None:
    """Serve the explorer: pages to click through and a JSON API, read-only.

    Pick an issuer, move the date (and, if you like, the instant the ledger knew it), and see
    the verdict, the groups with their limits, the chart, open breaks and filings owed; each
    number links to the events behind it. `GET /api/VIEW` answers as `owl VIEW --format json`
    with the command's options as query parameters; `/openapi.json` describes them.

    \b
    Examples:
      owl serve                    # http://127.0.0.1:8765/
      curl 'http://127.0.0.1:8765/api/status?issuer=INOC&as_of=2003-11-24'
      OWL_TOKEN=s3cret owl serve --host 0.0.0.0 --port 8080
    """
    from importlib.metadata import version as package_version

    import uvicorn

    if host not in LOOPBACK and not token:
        raise click.UsageError(
            f"binding {host} needs a token (--token or OWL_TOKEN): any machine could read it"
        )
    ledger = open_ledger(settings)
    ledger.head_seq()  # fails now, with the ledger's own message, if there is no ledger
    click.echo(f"owl explorer on http://{host}:{port}/ (Ctrl-C stops it)", err=True)
    started = datetime.now()
    # On the loopback address, only requests naming it (a browser's page from elsewhere may not)
    hosts = None if token else ["127.0.0.1", "localhost", "[::1]", "::1"]
    application = app(ledger, token, package_version("owl-ledger"), hosts)
    uvicorn.run(application, host=host, port=port, log_level="warning")
    click.echo(f"stopped after {datetime.now() - started}", err=True)
