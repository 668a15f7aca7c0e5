"""`owl serve`: the explorer's API answers as the command line does, its pages show the verdict
first and link every number to its events, its OpenAPI document describes what it serves, and a
token, when set, is asked of every request. Through Starlette's test client, on both backends."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from owl.cli.main import cli
from owl.cli.serve import app
from owl.cli.webapi import VIEWS
from owl.projections.application.api import Ledger

ROOT = Path(__file__).resolve().parent.parent
EVENTS = str(ROOT / "data" / "innotrac" / "events.jsonl")
RECORDED = "2026-11-29T00:00:00Z"
# Each view, with the options of `owl VIEW` (also the API's query parameters, without dashes)
ASKED: dict[str, dict[str, Any]] = {
    "status": {"issuer": "INOC", "as-of": "2003-11-24"},
    "ownership": {"issuer": "INOC", "as-of": "2003-11-21"},
    "explain": {"issuer": "INOC", "person": "IPOF Group", "as-of": "2003-11-20"},
    "timeline": {"issuer": "INOC", "person": "IPOF Fund"},
    "obligations": {"issuer": "INOC", "as-of": "2004-01-31"},
    "reconcile": {"issuer": "INOC", "taken": True},
    "holders": {"issuer": "INOC", "as-of": "2003-11-24"},
    "issuers": {},
}


@pytest.fixture
def url(db_url: str) -> str:
    ledger = Ledger(db_url)
    ledger.init()
    ledger.ingest(EVENTS, recorded_at=RECORDED)
    ledger.close()
    return db_url


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    ledger = Ledger(url)
    with TestClient(app(ledger, None, "9.9.9")) as test_client:
        yield test_client
    ledger.close()


def command_json(url: str, view: str, options: dict[str, Any]) -> Any:
    args = ["--db", url, view, "--format", "json"]
    for option, value in options.items():
        args += [f"--{option}"] if value is True else [f"--{option}", value]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def api_params(options: dict[str, Any]) -> dict[str, str]:
    return {k.replace("-", "_"): "true" if v is True else v for k, v in options.items()}


@pytest.mark.parametrize("view", sorted(ASKED))
@pytest.mark.parametrize("known_at", [None, "2026-11-29"])
def test_each_api_view_answers_what_the_command_prints(
    url: str, client: TestClient, view: str, known_at: str | None
) -> None:
    options = dict(ASKED[view])
    if known_at is not None and view != "issuers":
        options["known-at"] = known_at

    response = client.get(f"/api/{view}", params=api_params(options))

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == command_json(url, view, options)


def test_the_log_api_answers_the_jsonl_lines_of_owl_log(url: str, client: TestClient) -> None:
    result = CliRunner().invoke(
        cli, ["--db", url, "log", "--issuer", "INOC", "--from", "2003-08-14", "--format", "jsonl"]
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]

    response = client.get("/api/log", params={"issuer": "INOC", "from": "2003-08-14"})
    limited = client.get("/api/log", params={"issuer": "INOC", "limit": "2"})

    assert response.json() == lines and len(lines) == 6
    assert [e["seq"] for e in limited.json()] == [1, 2]


def test_a_bad_parameter_is_a_400_naming_it_and_an_unknown_issuer_a_404(
    client: TestClient,
) -> None:
    missing = client.get("/api/status", params={"issuer": "INOC"})
    bad_date = client.get("/api/status", params={"issuer": "INOC", "as_of": "2003-02-30"})
    unknown = client.get("/api/status", params={"issuer": "INOC", "as_of": "2003-11-24", "x": "1"})
    nobody = client.get("/api/status", params={"issuer": "NOPE", "as_of": "2003-11-24"})
    no_view = client.get("/api/nothing")

    assert missing.status_code == 400 and "as_of" in missing.json()["error"]
    assert bad_date.status_code == 400 and "as_of" in bad_date.json()["error"]
    assert unknown.status_code == 400 and "'x'" in unknown.json()["error"]
    assert nobody.status_code == 404 and "NOPE" in nobody.json()["error"]
    assert no_view.status_code == 404 and "status" in no_view.json()["error"]


def example(param: dict[str, Any]) -> str | list[str]:
    values = {"issuer": "INOC", "person": "IPOF Group", "holder": "IPOF Fund", "group": "IPOF Fund",
              "type": "HoldingReported", "known_at": "2026-11-29", "limit": "3", "taken": "true",
              "security": ""}  # fmt: skip
    if param["name"] in values:
        return values[param["name"]]
    assert param["schema"].get("format") == "date", param
    return "2003-11-24"


def test_the_openapi_document_describes_every_view_as_served(client: TestClient) -> None:
    document = client.get("/openapi.json").json()

    assert document["openapi"].startswith("3.")
    assert sorted(document["paths"]) == sorted(f"/api/{v}" for v in VIEWS)
    for path, item in document["paths"].items():
        operation = item["get"]
        params = {p["name"]: example(p) for p in operation["parameters"]}
        answer = client.get(path, params=params)
        assert answer.status_code == 200, (path, answer.text)
        declared = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert isinstance(answer.json(), list if declared["type"] == "array" else dict), path
        for p in operation["parameters"]:
            if p["required"]:
                without = {k: v for k, v in params.items() if k != p["name"]}
                refused = client.get(path, params=without)
                assert refused.status_code == 400 and p["name"] in refused.json()["error"]


def test_with_a_token_every_request_must_carry_it(url: str) -> None:
    ledger = Ledger(url)
    try:
        with TestClient(app(ledger, "s3cret", "9.9.9")) as test_client:
            bare = test_client.get("/api/issuers")
            wrong = test_client.get("/", headers={"Authorization": "Bearer nope"})
            right = test_client.get("/api/issuers", headers={"Authorization": "Bearer s3cret"})
    finally:
        ledger.close()

    assert bare.status_code == wrong.status_code == 401
    assert bare.headers["www-authenticate"] == "Bearer"
    assert right.status_code == 200 and right.json()["issuers"][0]["issuer"] == "INOC"


def test_serving_beyond_the_loopback_address_needs_a_token(url: str) -> None:
    result = CliRunner().invoke(cli, ["--db", url, "serve", "--host", "0.0.0.0"], env={})

    assert result.exit_code == 2
    assert "binding 0.0.0.0 needs a token (--token or OWL_TOKEN)" in result.output


def test_the_issuer_list_finds_an_issuer_in_any_case(client: TestClient) -> None:
    found = client.get("/", params={"q": "  inoc "}).text
    missing = client.get("/", params={"q": "zzz"}).text

    assert 'href="/issuer/INOC?as_of=2003-11-24"' in found
    assert "No issuer key, name, ticker or CIK contains zzz." in missing


def test_the_issuer_page_opens_with_the_verdict_and_follows_the_date(client: TestClient) -> None:
    before = client.get("/issuer/INOC", params={"as_of": "2003-11-20"}).text
    after = client.get("/issuer/INOC", params={"as_of": "2003-11-24"}).text
    latest = client.get("/issuer/inoc").text  # no date: the issuer's last

    verdict = after.split('<p class="verdict">')[1].split("</p>")[0]
    assert verdict.startswith("INOC on 2003-11-24: its rights plan of 1997-12-31 (amended: No. 1")
    assert "makes anyone holding 15% or more an Acquiring Person" in verdict
    assert (
        "IPOF Group holds 24.0138%: exempt unless it holds more than 40% (Amendment No. 3)"
        in verdict
    )
    assert "an Acquiring Person. No one is an Acquiring Person. IPOF Group holds" in verdict
    assert verdict.endswith("No open breaks. No filing missing or late.")
    assert "exempt unless it holds more than 25% (Amendment No. 2)" in before
    chart = '<img src="/issuer/INOC/chart.svg?as_of=2003-11-24"'
    assert after.index('class="verdict"') < after.index("<h2>Groups</h2>") < after.index(chart)
    assert "INOC as of 2003-11-24" in latest


def test_each_number_links_to_the_events_behind_it(client: TestClient) -> None:
    page = client.get("/issuer/INOC", params={"as_of": "2003-11-24"}).text
    href = "/issuer/INOC/explain?person=IPOF+Group&amp;as_of=2003-11-24"
    assert f'<a href="{href}">2,800,500</a>' in page

    explained = client.get(href.replace("&amp;", "&")).text
    event = client.get("/event/10").text

    assert "Why IPOF Group is exempt" in explained
    assert "Amendment No. 3 (effective 2003-11-24) exempts it" in explained
    assert '<a href="/event/9">9</a>' in explained and '<a href="/event/10">10</a>' in explained
    assert "Event 10: HoldingReported" in event and "2800500" in event
    assert client.get("/event/999").status_code == 404


def test_a_page_names_its_errors(client: TestClient) -> None:
    unknown = client.get("/issuer/NOPE")
    bad = client.get("/issuer/INOC", params={"as_of": "yesterday"})

    assert unknown.status_code == 404 and "NOPE" in unknown.text
    assert bad.status_code == 400 and "as_of" in bad.text


def test_the_chart_is_served_apart_as_svg_and_made_once(client: TestClient) -> None:
    first = client.get("/issuer/INOC/chart.svg", params={"as_of": "2003-11-24"})
    again = client.get("/issuer/INOC/chart.svg", params={"as_of": "2003-11-24"})
    earlier = client.get("/issuer/INOC/chart.svg", params={"as_of": "1997-06-30"})
    bad = client.get("/issuer/INOC/chart.svg")

    assert first.status_code == 200 and first.headers["content-type"] == "image/svg+xml"
    assert "<svg" in first.text and "IPOF Group" in first.text
    assert again.text == first.text
    assert "Nothing to chart by this date." in earlier.text
    assert bad.status_code == 400 and "as_of" in bad.json()["error"]


def test_a_long_list_is_cut_on_the_page_and_linked_whole(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from owl.cli import webpages

    monkeypatch.setattr(webpages, "SHOWN", 4)  # Innotrac's IPOF Group stands on 10 events
    explained = client.get(
        "/issuer/INOC/explain", params={"person": "IPOF Group", "as_of": "2003-11-24"}
    ).text

    assert "The first 2 and the last 2 of 9 events; all of them:" in explained
    assert explained.count('<a href="/event/') == 4
    assert "/api/explain?issuer=INOC&amp;person=IPOF+Group&amp;as_of=2003-11-24" in explained


def test_on_the_loopback_address_a_request_naming_another_host_is_refused(url: str) -> None:
    ledger = Ledger(url)
    try:
        hosts = ["127.0.0.1", "localhost"]
        with TestClient(app(ledger, None, "9.9.9", hosts), base_url="http://127.0.0.1") as local:
            ours = local.get("/api/issuers")
            rebound = local.get("/api/issuers", headers={"host": "evil.example"})
    finally:
        ledger.close()

    assert ours.status_code == 200
    assert rebound.status_code == 400


def test_odd_numbers_and_unknown_names_get_their_status(client: TestClient) -> None:
    assert client.get("/event/²").status_code == 404
    assert client.get("/api/log", params={"limit": "²"}).status_code == 400
    nobody = client.get("/issuer/INOC/explain", params={"person": "Nobody", "as_of": "2003-11-24"})
    assert nobody.status_code == 404
