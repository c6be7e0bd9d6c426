"""A stored event reads like the item it came from: its kind's fields by name (pure)."""

from __future__ import annotations

import pytest

from vclient.dal.items import EventItem


def test_a_field_is_read_by_name_whether_common_or_of_its_kind() -> None:
    event = EventItem.model_validate({"seq": 3, "t": 1200, "type": "reply", "turn": 2, "x": None})
    assert (event["seq"], event["type"], event["turn"]) == (3, "reply", 2)
    assert event.get("turn") == 2
    assert event["x"] is None  # a stored null is a value, not an absent field


def test_an_absent_field_is_the_default_with_get_and_a_key_error_with_brackets() -> None:
    event = EventItem.model_validate({"seq": 1, "t": 0, "type": "dialing"})
    assert event.get("turn") is None
    assert event.get("turn", 0) == 0
    with pytest.raises(KeyError):
        _ = event["turn"]
