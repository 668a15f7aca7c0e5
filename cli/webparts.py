"""The explorer's page frame: its style, its one script (the date slider submits its form when it
moves), and links with query strings. Every value is escaped (`owl.cli.htmlparts`)."""

from __future__ import annotations

from urllib.parse import urlencode

from owl.cli.htmlparts import Html, el, join, text

CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:0 1em;color:#222}
header{border-bottom:1px solid #ccc;margin-bottom:1em}
h1{font-size:1.4em;margin:.6em 0 .2em} h2{font-size:1.1em;margin-top:1.4em}
.verdict{font-size:1.05em;background:#f6f6f0;border-left:4px solid #888;padding:.6em .9em}
.verdict.bad{border-color:#b00020;background:#fff0f0}
.ok{color:#226622} .bad{color:#b00020;font-weight:600} .warn{color:#a05a00;font-weight:600}
table{border-collapse:collapse;margin:.4em 0} th,td{padding:.25em .6em;text-align:left;
border-bottom:1px solid #e4e4e4;vertical-align:top} td.num{text-align:right;white-space:nowrap}
.scroll{overflow-x:auto} form.when{display:flex;flex-wrap:wrap;gap:.6em;align-items:center}
form.when input[type=range]{flex:1;min-width:12em} figure{margin:0}
figure svg{width:100%;height:auto}
a{color:#0645ad} code{font-size:.9em} .meta{color:#666;font-size:.9em}
"""

SLIDER = """<script>
document.querySelectorAll('input[data-days]').forEach(function (r) {
  var start = new Date(r.dataset.start + 'T00:00:00Z');
  var out = document.getElementById(r.dataset.for);
  r.addEventListener('input', function () {
    var d = new Date(start.getTime() + Number(r.value) * 86400000);
    out.value = d.toISOString().slice(0, 10);
  });
  r.addEventListener('change', function () { r.form.submit(); });
});
</script>"""


def page(title: str, *body: object, script: bool = False) -> str:
    head = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{text(title)}</title><style>{CSS}</style></head><body>"
    )
    nav = el(
        "header", el("p", Html('<a href="/">owl explorer</a> · <a href="/openapi.json">API</a>'))
    )
    return head + nav + join(body) + (SLIDER if script else "") + "</body></html>"


def link(href: str, label: object) -> Html:
    return Html(
        f'<a href="{text(href)}">{text(label) if not isinstance(label, Html) else label}</a>'
    )


def query(**params: object) -> str:
    return urlencode({k: str(v) for k, v in params.items() if v not in (None, "")})
