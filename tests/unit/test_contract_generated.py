"""The scenario contract has one owner (vclient.api.scenario): its JavaScript and Markdown copies
are generated from the models, and this check fails when either is stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from vclient_dev import contract


def test_the_generated_files_match_the_models() -> None:
    stale = [str(p.relative_to(contract.ROOT)) for p in contract.stale()]
    assert not stale, f"stale: {stale}; run {contract.GENERATOR}"


def test_check_fails_and_names_a_stale_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a copy of the JavaScript contract that someone edited by hand
    edited = tmp_path / "contract.js"
    edited.write_text(contract.render_js().replace('"turn"', '"turn_no"', 1), encoding="utf-8")
    monkeypatch.setattr(contract, "JS_PATH", edited)
    monkeypatch.setattr(contract, "ROOT", tmp_path)
    # When the check runs
    rc = contract.main(["--check"])
    # Then it fails naming that file
    assert rc == 1
    assert "stale: contract.js" in capsys.readouterr().err


def test_every_field_of_the_models_reaches_both_files() -> None:
    from vclient.api.scenario import ReplyRequest, Session, SessionRealtime

    js = contract.render_js()
    doc = contract.render_doc(contract.DOC_PATH.read_text(encoding="utf-8"))
    for model in (Session, SessionRealtime, ReplyRequest):
        for name in model.model_fields:
            assert f'"{name}"' in js, name
            assert f"| `{name}`" in doc, name


def test_a_doc_without_a_generated_section_is_an_error() -> None:
    with pytest.raises(contract.ContractError, match="lacks the generated sections"):
        contract.render_doc("# no markers here\n")
