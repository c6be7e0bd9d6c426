"""voximplant/rules.json: the one rule -> scenario-list map, and its reader."""

from __future__ import annotations

import copy
import json

import pytest

from vclient_dev.rules import RULES_FILE, RulesError, load_rules, parse_rules, scenario_files

GOOD = json.loads(RULES_FILE.read_text(encoding="utf-8"))


def test_every_rule_binds_existing_files_shared_first() -> None:
    # Given the committed map
    rules = load_rules()
    # Then each engine has one rule whose files exist and whose engine file comes last
    assert {rule.engine for rule in rules.rules.values()} == {"dialog", "realtime", "realtime_pure"}
    for rule in rules.rules.values():
        files = scenario_files(rule.name)
        assert all(path.is_file() for path in files), files
        assert files[0].name == "lib_call.js"
        assert files[-1].name.startswith("scenario_")


def test_rule_for_engine_and_unknown_rule() -> None:
    rules = load_rules()
    assert rules.rule_for_engine("realtime").scenarios == (
        "lib_call",
        "lib_realtime",
        "voice_realtime",
    )
    with pytest.raises(RulesError, match="no rule 'nope'"):
        rules.rule("nope")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("application"), "'application'"),
        (lambda d: d["scenarios"].update({"x" * 30: "x.js"}), "1-29 letters"),
        (lambda d: d["scenarios"].update({"evil": "../evil.js"}), "a .js file in voximplant/"),
        (lambda d: d["rules"]["voice_dialog"].update({"engine": "tts"}), "expected one of"),
        (lambda d: d["rules"]["voice_dialog"]["scenarios"].append("missing"), "unknown scenarios"),
        (lambda d: d["rules"]["voice_dialog"].update({"scenarios": []}), "non-empty scenario"),
        (lambda d: d["rules"]["voice_dialog"]["scenarios"].append("lib_call"), "twice"),
        (lambda d: d["rules"]["voice_realtime"].update({"engine": "dialog"}), "two rules"),
    ],
)
def test_malformed_maps_are_refused_in_one_sentence(mutate, message: str) -> None:
    # Given a copy of the map with one mistake
    data = copy.deepcopy(GOOD)
    mutate(data)
    # Then parsing names the mistake
    with pytest.raises(RulesError, match=message):
        parse_rules(data)
