"""Personas: bundled ones load, bad ones fail with the field and the YAML line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from vclient.dialog.persona import (
    MAX_LINE_CHARS,
    Persona,
    PersonaError,
    bundled_persona_ids,
    load_bundled,
    load_persona,
)

MINIMAL = """\
id: mini
name: Тест
language: ru-RU
description: Тестовый клиент.
goal: Узнать цену.
opening: Здравствуйте!
fillers: [Понятно.]
reprompts: ["Алло?"]
phases:
  - id: main
    goal: Узнать цену.
topics:
  - id: price
    ask: Сколько стоит?
    expect: Названа цена.
ending:
  success_line: Спасибо!
  goodbye_line: До свидания.
  close_line: Мне пора.
  hangup_line: Всё, до свидания.
  max_turns: 5
  max_duration_s: 60
"""


def _minimal_dict() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MINIMAL)
    return data


def test_bundled_personas_load_and_summarise() -> None:
    # Given the personas shipped in the layer
    ids = bundled_persona_ids()
    # Then both realistic Russian personas are there
    assert {"car_buyer", "deposit_closing"} <= set(ids)
    for persona_id in ids:
        # When each is loaded
        persona = load_bundled(persona_id)
        # Then it is Russian, and the summary names its phases, topics and reactions
        assert persona.id == persona_id
        assert persona.language == "ru-RU"
        summary = persona.summary()
        assert persona.name in summary
        for phase in persona.phases:
            assert phase.id in summary
        for topic in persona.topics:
            assert topic.id in summary
        assert f"Reactions ({len(persona.reactions)})" in summary


def test_bundled_personas_together_exercise_every_field() -> None:
    # Given every bundled persona as the YAML author wrote it (defaults excluded)
    used: set[str] = set()

    def collect(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                used.add(f"{prefix}{key}")
                collect(f"{prefix}{key}.", item)
        elif isinstance(value, list):
            for item in value:
                collect(prefix, item)

    for persona_id in bundled_persona_ids():
        collect("", load_bundled(persona_id).model_dump(exclude_unset=True))

    # Then every field of the persona schema appears in at least one of them
    def fields(prefix: str, model: type[Any]) -> set[str]:
        out: set[str] = set()
        for name, info in model.model_fields.items():
            out.add(f"{prefix}{name}")
            inner = info.annotation
            for arg in getattr(inner, "__args__", (inner,)):
                if isinstance(arg, type) and hasattr(arg, "model_fields"):
                    out |= fields(f"{prefix}{name}.", arg)
        return out

    assert fields("", Persona) - used == set()


def test_load_bundled_is_cached_and_rejects_unknown_ids() -> None:
    # Given a bundled persona loaded twice, Then it is the same object (no re-parsing)
    assert load_bundled("car_buyer") is load_bundled("car_buyer")
    # When an unknown id is asked for, Then the error lists what exists
    with pytest.raises(PersonaError) as err:
        load_bundled("nobody")
    assert "car_buyer" in str(err.value)


def test_inline_dict_persona_validates() -> None:
    # Given a persona posted as a JSON object
    persona = Persona.model_validate(_minimal_dict())
    # Then it works like a YAML one, with defaults filled in
    assert persona.id == "mini"
    assert persona.initial_mood == "calm"
    assert persona.ending.max_reprompts == 2
    assert persona.phase_of(persona.topics[0]) == "main"


def test_file_path_is_loaded(tmp_path: Path) -> None:
    # Given a persona file on disk
    path = tmp_path / "mini.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    # When it is loaded by Path and by path string, Then both work
    assert load_persona(path).id == "mini"
    assert load_persona(str(path)).id == "mini"


def test_bad_field_value_names_field_and_line() -> None:
    # Given a persona whose ending.max_turns is not a number (line 21)
    text = MINIMAL.replace("max_turns: 5", "max_turns: many")
    # When it is loaded
    with pytest.raises(PersonaError) as err:
        load_persona(text)
    # Then the error names the field and its line
    assert err.value.field == "ending.max_turns"
    assert err.value.line == 21
    assert "ending.max_turns (line 21)" in str(err.value)


def test_unknown_field_is_rejected_with_line() -> None:
    # Given a typo in a topic field (line 16)
    text = MINIMAL.replace(
        "    expect: Названа цена.", "    expect: Названа цена.\n    folow_up: Ну?"
    )
    with pytest.raises(PersonaError) as err:
        load_persona(text)
    # Then the unknown field is named with its line
    assert err.value.field == "topics[0].folow_up"
    assert err.value.line == 16
    assert "unknown field" in err.value.message


def test_topic_with_unknown_phase_is_rejected() -> None:
    # Given a topic that refers to a phase that does not exist (written on line 16)
    text = MINIMAL.replace(
        "    expect: Названа цена.", "    expect: Названа цена.\n    phase: nope"
    )
    with pytest.raises(PersonaError) as err:
        load_persona(text)
    # Then the error points at topics[0].phase and its line, and lists the known phases
    assert err.value.field == "topics[0].phase"
    assert err.value.line == 16
    assert "unknown phase 'nope'" in err.value.message
    assert "main" in err.value.message
    # And the same rule applies to an inline persona
    data = _minimal_dict()
    data["topics"][0]["phase"] = "nope"
    with pytest.raises(ValueError, match="unknown phase"):
        Persona.model_validate(data)


def test_duplicate_ids_and_missing_fields_are_rejected() -> None:
    # Given two topics with the same id
    data = _minimal_dict()
    data["topics"].append(dict(data["topics"][0]))
    with pytest.raises(ValueError, match="duplicate id 'price'"):
        Persona.model_validate(data)
    # Given a persona without an opening line
    text = MINIMAL.replace("opening: Здравствуйте!\n", "")
    with pytest.raises(PersonaError) as err:
        load_persona(text)
    # Then the missing field is named
    assert err.value.field == "opening"
    assert "missing" in err.value.message


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("language: ru-RU", "language: Russian", "language"),
        ("opening: Здравствуйте!", "opening: '   '", "opening"),
        ("opening: Здравствуйте!", "opening: " + "а" * (MAX_LINE_CHARS + 1), "opening"),
        ("  - id: price", "  - id: Price Topic", "topics[0].id"),
    ],
)
def test_language_lines_and_ids_are_checked(old: str, new: str, field: str) -> None:
    # Given a persona with a bad language tag, an empty or unspeakably long line, or a bad id
    with pytest.raises(PersonaError) as err:
        load_persona(MINIMAL.replace(old, new))
    # Then the offending field is named
    assert err.value.field == field


def test_phase_without_topics_needs_max_turns() -> None:
    # Given a phase with no topics and no turn limit, it would never run
    data = _minimal_dict()
    data["phases"].append({"id": "empty", "goal": "Ничего."})
    with pytest.raises(ValueError, match="no topics and no max_turns"):
        Persona.model_validate(data)


def test_reaction_must_do_something() -> None:
    # Given a reaction with no line, no mood and no hang-up
    text = MINIMAL + "reactions:\n  - trigger: Оператор шутит.\n    keywords: [шутк*]\n"
    with pytest.raises(PersonaError) as err:
        load_persona(text)
    # Then it is rejected with its position
    assert err.value.field == "reactions[0]"
    assert err.value.line == 24
    assert "say, mood, hang_up" in err.value.message


def test_yaml_syntax_error_and_duplicate_keys_report_lines() -> None:
    # Given broken YAML, Then the error carries a line
    with pytest.raises(PersonaError) as err:
        load_persona(MINIMAL.replace("goal: Узнать цену.\n", "goal: [Узнать цену.\n", 1))
    assert err.value.line is not None
    assert "invalid YAML" in err.value.message
    # Given a key written twice, Then it is reported instead of silently overwritten
    with pytest.raises(PersonaError) as err:
        load_persona(MINIMAL + "opening: Ещё раз!\n")
    assert err.value.field == "opening"
    assert err.value.line == 23


def test_non_mapping_yaml_is_rejected() -> None:
    with pytest.raises(PersonaError, match="mapping"):
        load_persona("- just\n- a list\n")


def test_a_persona_without_a_scorecard_is_judged_by_the_default() -> None:
    from vclient.verdict.scorecard import default_scorecard

    data = load_bundled("car_buyer").model_dump(exclude_none=True)
    data.pop("scorecard")
    persona = Persona.model_validate(data)
    assert persona.scorecard is None
    assert persona.operator_scorecard is default_scorecard()


def test_bundled_personas_carry_their_own_scorecard() -> None:
    for persona_id in ("car_buyer", "deposit_closing"):
        persona = load_bundled(persona_id)
        assert persona.scorecard is not None
        assert persona.operator_scorecard is persona.scorecard
        # and it survives the JSON round trip the stored persona makes
        again = Persona.model_validate_json(persona.model_dump_json(exclude_none=True))
        assert again.scorecard == persona.scorecard


def test_a_scorecard_naming_an_unknown_topic_is_an_error_with_its_field() -> None:
    data = load_bundled("car_buyer").model_dump(exclude_none=True)
    data["scorecard"]["topics"]["critical"] = ["warp_drive"]
    with pytest.raises(PersonaError) as caught:
        load_persona(yaml.safe_dump(data, allow_unicode=True))
    assert caught.value.field == "scorecard"
    assert "warp_drive" in caught.value.message


def test_a_bad_scorecard_item_names_its_field_and_line() -> None:
    text = (
        Path(__file__).resolve().parents[2] / "layers/common/vclient/personas/car_buyer.yaml"
    ).read_text(encoding="utf-8")
    text = text.replace(
        "      weight: 8\n      dimension: first_contact",
        "      weight: 0\n      dimension: first_contact",
        1,
    )
    with pytest.raises(PersonaError) as caught:
        load_persona(text)
    assert caught.value.field == "scorecard.items[0].weight"
    assert caught.value.line is not None
