"""``vclient batch`` and ``vclient report``: bad input is exit 2 with a sentence, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vclient.compare.figures import compare_body
from vclient_dev import batch_cli
from vclient_dev.cli import main

BATCH = "ab" * 16


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["batch", "start"], "say whom to call"),
        (["batch", "start", "--to", "+79160000001"], "give --api"),
        (["batch", "start", "--local", "--api", "http://x"], "leave out --api"),
        (["batch", "start", "--to", "+79160000001", "--window", "9 to 5"], "--window"),
        (["batch", "start", "--to", "+7916", "--backoff", "soon"], "--backoff"),
        (["batch", "start", "--to", "+7916", "--label", "oops"], "key=value"),
        (["batch", "start", "--to", "+7916", "--operator", "x.yaml"], "--local batches only"),
        (["batch", "status", "nope", "--api", "http://x", "--api-key", "k"], "32 lowercase"),
        (["batch", "pause", BATCH], "give --api"),
        (["report", "--batch", "nope", "--html", "r.html"], "32 lowercase"),
        (["report", "--batch", BATCH], "--html FILE, --json"),
        (["report", "--batch", BATCH, "--html", "r.html"], "no local batch"),
        (["report", "--batch", BATCH, "--json", "--api", "http://x"], "--api-key"),
    ],
)
def test_bad_input_exits_2_with_a_sentence(
    argv: list[str],
    words: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(batch_cli, "SNAPSHOTS", tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_an_unreachable_api_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["batch", "status", BATCH, "--api", "http://127.0.0.1:9", "--api-key", "k"]
    assert main(argv) == 3
    assert "could not connect" in capsys.readouterr().err


def test_window_flag_takes_zone_days_and_hours() -> None:
    assert batch_cli.parse_window("Europe/Moscow mon-fri,sun 09:00-18:30") == {
        "timezone": "Europe/Moscow",
        "from": "09:00",
        "to": "18:30",
        "days": ["mon", "tue", "wed", "thu", "fri", "sun"],
    }
    assert "days" not in batch_cli.parse_window("UTC 22:00-02:00")


def test_report_from_a_local_snapshot_writes_one_html_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the snapshot a local batch leaves behind
    monkeypatch.setattr(batch_cli, "SNAPSHOTS", tmp_path)
    report = compare_body([], simulated=True, scope={"batch": BATCH})
    (tmp_path / f"{BATCH}.json").write_text(
        json.dumps({"batch": {}, "calls": [], "report": report})
    )
    out = tmp_path / "report.html"
    # When the report is asked for, as HTML and as JSON
    assert main(["report", "--batch", BATCH, "--html", str(out), "--json"]) == 0
    # Then the JSON is the API's body, and the HTML file is written
    assert json.loads(capsys.readouterr().out) == report
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
