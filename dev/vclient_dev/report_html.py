"""``vclient report --html``: the comparison report as ONE self-contained HTML file.

Everything is inside the file: the report body (the API's JSON, as data), the page's own small
script and Chart.js (vendored from npm, ``vendor/README.md``) inlined, so it opens with no network.
The figures are the API's; this module only lays them out. Every latency carries its timing label
(simulated or measured), and the page says in words what it is not: a verdict on the engines.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

VENDOR = Path(__file__).resolve().parent / "vendor"
CHART_JS = VENDOR / "chart.umd.min.js"
PAGE_JS = Path(__file__).resolve().parent / "report_page.js"
PAGE_CSS = Path(__file__).resolve().parent / "report_page.css"
COLOURS = {"dialog": "#3467c4", "realtime": "#d9822b", "realtime_pure": "#2e9b63"}


def _esc(value: Any) -> str:
    return html.escape("-" if value is None else str(value))


def _ms(figure: dict[str, Any], key: str = "p50") -> str:
    value = figure.get(key)
    return "-" if value is None else f"{value:g}"


def _interval(figure: dict[str, Any], key: str) -> str:
    interval = figure.get(key)
    if not interval:
        return ""
    return f" [{interval['low']:g}–{interval['high']:g}]"


def _usd(value: Any) -> str:
    return "unknown" if not isinstance(value, int | float) else f"${value:.4f}"


def _timing(figure: dict[str, Any]) -> str:
    return f'<span class="timing {figure.get("timing")}">{_esc(figure.get("timing"))}</span>'


def _notes(figures: dict[str, Any]) -> list[str]:
    notes = []
    for key in ("voice_to_voice_ms", "first_reply_ms", "fidelity", "operator_score"):
        note = (figures.get(key) or {}).get("note")
        if note:
            notes.append(f"{key}: {note}")
    cost_note = (figures.get("cost") or {}).get("note")
    if cost_note:
        notes.append(f"cost: {cost_note}")
    return notes


def engine_table(report: dict[str, Any]) -> str:
    engines = report["engines"]
    by = report["by_engine"]
    rows: list[tuple[str, Any]] = [
        ("calls", lambda f: f["calls"]),
        ("answered", lambda f: f"{f['answered']['n']} ({f['answered']['pct']}%)"),
        ("completed", lambda f: f"{f['completed']['n']} ({f['completed']['pct']}%)"),
        (
            "voice-to-voice p50 [95% interval], ms",
            lambda f: (
                _ms(f["voice_to_voice_ms"])
                + _interval(f["voice_to_voice_ms"], "p50_interval")
                + " "
                + _timing(f["voice_to_voice_ms"])
            ),
        ),
        (
            "voice-to-voice p90 / p95, ms",
            lambda f: (
                f"{_ms(f['voice_to_voice_ms'], 'p90')} / {_ms(f['voice_to_voice_ms'], 'p95')} "
                + _timing(f["voice_to_voice_ms"])
            ),
        ),
        (
            "turns (calls) behind the latencies",
            lambda f: f"{f['voice_to_voice_ms']['n']} ({f['voice_to_voice_ms']['calls']})",
        ),
        (
            "backend p50 / p95, ms",
            lambda f: (
                f"{_ms(f['backend_ms'])} / {_ms(f['backend_ms'], 'p95')} "
                + _timing(f["backend_ms"])
            ),
        ),
        (
            "LLM p50 / p95, ms",
            lambda f: f"{_ms(f['llm_ms'])} / {_ms(f['llm_ms'], 'p95')} " + _timing(f["llm_ms"]),
        ),
        (
            "first reply after the greeting p50, ms",
            lambda f: (
                _ms(f["first_reply_ms"])
                + _interval(f["first_reply_ms"], "p50_interval")
                + " "
                + _timing(f["first_reply_ms"])
            ),
        ),
        ("barge-ins per call", lambda f: _esc(f["barge_ins"]["per_call"])),
        ("deviations per call", lambda f: _esc(f["deviations"]["per_call"])),
        (
            "fidelity median [interval] (n)",
            lambda f: (
                f"{_esc(f['fidelity']['median'])}"
                + _interval(f["fidelity"], "median_interval")
                + f" ({f['fidelity']['n']})"
            ),
        ),
        (
            "operator score median [interval] (n)",
            lambda f: (
                f"{_esc(f['operator_score']['median'])}"
                + _interval(f["operator_score"], "median_interval")
                + f" ({f['operator_score']['n']})"
            ),
        ),
        (
            "evaluations",
            lambda f: _esc(
                ", ".join(f"{k} {v}" for k, v in f["operator_score"]["evaluations"].items())
                + (
                    " · " + ", ".join(f"{k} {v}" for k, v in f["operator_score"]["methods"].items())
                    if f["operator_score"]["methods"]
                    else ""
                )
            ),
        ),
        ("cost per call", lambda f: _usd(f["cost"]["per_call_usd"])),
        ("cost per minute", lambda f: _usd(f["cost"]["per_minute_usd"])),
        (
            "endings",
            lambda f: _esc(", ".join(f"{k} {v}" for k, v in f["endings"].items())),
        ),
    ]
    head = "".join(f"<th>{_esc(e)}</th>" for e in engines)
    body = "".join(
        f"<tr><th scope='row'>{_esc(label)}</th>"
        + "".join(f"<td>{cell(by[e])}</td>" for e in engines)
        + "</tr>"
        for label, cell in rows
    )
    return f"<table><thead><tr><th></th>{head}</tr></thead><tbody>{body}</tbody></table>"


def paired_tables(report: dict[str, Any]) -> str:
    out = []
    for block in report["paired"].values():
        engines = report["engines"]
        head = "".join(f"<th>{_esc(e)}</th>" for e in engines)
        rows = "".join(
            f"<tr><th scope='row'>{_esc(row['target'])}</th>"
            + "".join(
                "<td>"
                + (
                    "-"
                    if row["by_engine"].get(e) is None
                    else f"{row['by_engine'][e]['median']:g} (n={row['by_engine'][e]['n']})"
                )
                + "</td>"
                for e in engines
            )
            + "</tr>"
            for row in block["targets"]
        )
        pairs = "".join(
            f"<li>{_esc(p['b'])} − {_esc(p['a'])}: median difference "
            f"{_esc(p['median_difference'])} over {p['targets']} target(s); "
            f"{_esc(p['b'])} higher on {p['b_higher']}, {_esc(p['a'])} on {p['a_higher']}, "
            f"ties {p['ties']}; sign test p = {_esc(p['sign_test_p'])}"
            + (f" — <em>{_esc(p['note'])}</em>" if p.get("note") else "")
            + "</li>"
            for p in block["pairs"]
        )
        empty = "" if block["targets"] else "<p>No call has this figure yet.</p>"
        out.append(
            f"<h3>{_esc(block['what'])}, per target</h3>{empty}"
            f"<table><thead><tr><th>target</th>{head}</tr></thead><tbody>{rows}</tbody></table>"
            f"<ul>{pairs}</ul>"
        )
    return "".join(out)


def _json_for_script(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def render(report: dict[str, Any]) -> str:
    """The whole page for a ``GET /reports/compare`` body."""
    chart_js = CHART_JS.read_text(encoding="utf-8")
    page_js = PAGE_JS.read_text(encoding="utf-8")
    style = PAGE_CSS.read_text(encoding="utf-8")
    scope = report.get("scope") or {}
    simulated = report.get("timing") == "simulated"
    banner = (
        "<p class='banner'><strong>Simulated timings.</strong> "
        f"{_esc(report.get('timing_note'))}. The latencies below compare nothing real.</p>"
        if simulated
        else f"<p class='banner'>Timings: {_esc(report.get('timing_note'))}.</p>"
    )
    notes = "".join(
        f"<li><strong>{_esc(e)}</strong> — {_esc(n)}</li>"
        for e in report["engines"]
        for n in _notes(report["by_engine"][e])
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Engine comparison — batch {_esc(scope.get("batch"))}</title>
<style>{style}</style></head>
<body>
<h1>Engine comparison</h1>
<p>Batch <code>{_esc(scope.get("batch"))}</code> ({_esc(scope.get("batch_state"))}),
{report["calls"]} call(s) on {", ".join(_esc(e) for e in report["engines"]) or "no engine"};
generated {_esc(report.get("generated_at"))}.</p>
{banner}
<p>{_esc(report.get("reading"))}</p>
<h2>Side by side</h2>
{engine_table(report)}
<h2>Small samples</h2>
<ul>{notes or "<li>None of the figures rests on too few values.</li>"}</ul>
<h2>Charts</h2>
<div class="charts">
<canvas id="v2v" role="img" aria-label="Voice-to-voice histogram per engine"></canvas>
<canvas id="quality" role="img" aria-label="Fidelity and operator score per engine"></canvas>
<canvas id="cost" role="img" aria-label="Cost per call and per minute per engine"></canvas>
</div>
<h2>Paired comparison (the same operators on every engine)</h2>
{paired_tables(report)}
<script type="application/json" id="report-data">{_json_for_script(report)}</script>
<script type="application/json" id="colours">{_json_for_script(COLOURS)}</script>
<script>{chart_js}</script>
<script>{page_js}</script>
</body></html>
"""


def write(report: dict[str, Any], path: Path) -> None:
    path.write_text(render(report), encoding="utf-8")
