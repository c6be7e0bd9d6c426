"""The HTML report is one self-contained file: the charting library inlined, no network."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from vclient.compare.figures import compare_body
from vclient_dev.report_html import CHART_JS, VENDOR, render


def view(call_id: str, engine: str, v2v: list[int], to: str) -> dict[str, object]:
    return {
        "call_id": call_id,
        "engine": engine,
        "to": to,
        "status": "completed",
        "connected_at": "2026-12-03T00:00:00.000+00:00",
        "duration_ms": 60000,
        "errors": [],
        "end_reason": "end_call",
        "turns": [
            {"turn": i + 1, "voice_to_voice_ms": v, "backend_ms": 20, "llm_ms": None}
            for i, v in enumerate(v2v)
        ],
        "summary": {"ending": "success", "barge_ins": 0, "deviations": 0},
        "evaluation": {
            "status": "done",
            "method": "heuristic",
            "operator": {"score": 80},
            "client": {"fidelity": 90},
            "cost": {"total_usd": 0.05},
        },
    }


def report() -> dict[str, object]:
    views = [
        view("a" * 32, "dialog", [1000, 1100], "+79160000001"),
        view("b" * 32, "realtime", [1200, 1300], "+79160000001"),
    ]
    return compare_body(views, simulated=True, scope={"batch": "c" * 32})


def test_the_page_holds_everything_and_loads_nothing() -> None:
    page = render(report())
    # Then Chart.js is inside the page, and nothing is fetched from anywhere
    assert CHART_JS.read_text(encoding="utf-8")[:2000] in page
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)
    assert "simulated" in page and "Simulated timings" in page
    # And the data the charts draw is the report itself
    data = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    assert data is not None
    assert json.loads(data.group(1))["by_engine"]["dialog"]["voice_to_voice_ms"]["p50"] == 1000


def test_text_from_the_calls_cannot_break_out_of_the_page() -> None:
    closings = render(report()).count("</script>")
    body = report()
    body["scope"] = {"batch": "</script><script>alert(1)</script>"}
    page = render(body)
    # Then no script block is closed early, and the heading shows the text, escaped
    assert page.count("</script>") == closings
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in page


def test_the_vendored_chart_js_is_the_one_the_readme_names() -> None:
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256(Path(CHART_JS).read_bytes()).hexdigest()
    assert digest in readme
    version = re.search(r"\| `chart.umd.min.js` \|[^|]+\| ([0-9.]+) \|", readme)
    assert version is not None
    assert f"Chart.js v{version.group(1)}" in CHART_JS.read_text(encoding="utf-8")[:200]
