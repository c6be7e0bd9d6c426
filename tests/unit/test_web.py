"""Request bodies are strict JSON and error bodies never echo what JSON cannot hold (pure)."""

from __future__ import annotations

import json
import math

import pytest
from pydantic import BaseModel

from vclient.errors import InvalidJson, ValidationFailed
from vclient.web import parse_body, strict


class Body(BaseModel):
    seq: int
    type: str = "dialing"


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_nan_and_infinity_are_not_json(number: str) -> None:
    with pytest.raises(InvalidJson):
        parse_body(f'{{"seq": {number}}}', Body)


@pytest.mark.parametrize("body", ['{"seq": 1, "type": "\\ud800"}', '{"seq": "\\ud800"}'])
def test_a_lone_surrogate_is_refused_naming_its_field(body: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_body(body, Body)
    assert caught.value.details["field"] in ("type", "seq")
    json.dumps(caught.value.body(), allow_nan=False).encode()  # strict and encodable


def test_a_surrogate_pair_is_ordinary_text() -> None:
    assert parse_body('{"seq": 1, "type": "\\ud83d\\ude00"}', Body).type == "😀"


def test_strict_makes_any_error_body_encodable() -> None:
    value = strict({"a": "\ud800", "b": [math.nan, 1.5], "\udc00": math.inf})
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    text.encode()
    assert value["b"] == [None, 1.5]
