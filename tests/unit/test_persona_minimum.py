"""A persona written to the documented minimum loads; the rest defaults by language."""

from __future__ import annotations

from pathlib import Path

import pytest

from vclient.dialog.persona import LANGUAGE_DEFAULTS, PersonaError, load_persona

MINIMUM = Path(__file__).resolve().parents[1] / "personas" / "minimum_ru.yaml"


def test_minimum_persona_gets_russian_defaults() -> None:
    persona = load_persona(MINIMUM)
    ru = LANGUAGE_DEFAULTS["ru"]
    assert persona.fillers == ru["fillers"] and persona.reprompts == ru["reprompts"]
    assert persona.ending.goodbye_line == ru["goodbye_line"]
    assert persona.ending.close_line == ru["close_line"]
    # hang_up_if may be one string
    assert persona.ending.hang_up_if == ["Оператор грубит."]


def test_other_languages_get_english_defaults_and_explicit_values_win() -> None:
    text = MINIMUM.read_text().replace("language: ru-RU", "language: de-DE")
    text += "fillers: [Gut.]\n"
    persona = load_persona(text)
    assert persona.fillers == ["Gut."]
    assert persona.reprompts == LANGUAGE_DEFAULTS["en"]["reprompts"]
    assert persona.ending.close_line == LANGUAGE_DEFAULTS["en"]["close_line"]


def test_every_problem_is_listed_with_field_and_line() -> None:
    text = (
        MINIMUM.read_text()
        .replace("id: minimum_ru", "id: Minimum")
        .replace("max_turns: 8", "max_turns: 0")
        .replace("opening: ", "openning: ")
    )
    with pytest.raises(PersonaError) as raised:
        load_persona(text)
    found = {(p.field, p.line) for p in raised.value.problems}
    assert ("id", 2) in found and ("ending.max_turns", 24) in found
    assert ("opening", 2) in found and ("openning", 7) in found
    assert all(p.problems == [p] for p in raised.value.problems)


def test_an_empty_hang_up_if_list_and_a_list_both_work() -> None:
    for value, expected in (("[]", []), ("[a, b]", ["a", "b"])):
        text = MINIMUM.read_text().replace("hang_up_if: Оператор грубит.", f"hang_up_if: {value}")
        assert load_persona(text).ending.hang_up_if == expected
