"""`vclient vox bundle`: one scenario file holding a rule's list, in binding order."""

from __future__ import annotations

from pathlib import Path

import pytest

from vclient_dev import bundle
from vclient_dev.rules import load_rules, scenario_files


def test_the_bundle_holds_the_rule_files_in_binding_order(tmp_path: Path) -> None:
    # Given the realtime rule (lib_call, lib_realtime, the engine)
    out = tmp_path / "voice_realtime.js"
    # When the bundle is written
    assert bundle.main(["voice_realtime", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    # Then every file is in it whole, in order, each under its marker
    at = 0
    for path in scenario_files("voice_realtime"):
        body = path.read_text(encoding="utf-8").rstrip()
        marker = text.index(f"({path.name})\n", at)
        assert text.index(body, marker) > marker
        at = marker + 1
    assert len(text.encode("utf-8")) < bundle.MAX_SCRIPT_BYTES


def test_an_unknown_rule_is_one_error_line_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert bundle.main(["voice_nothing", "-o", "/nonexistent/x.js"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no rule 'voice_nothing'")
    assert "Traceback" not in err
    assert set(load_rules().rules) <= {"voice_dialog", "voice_realtime", "voice_realtime_pure"}
