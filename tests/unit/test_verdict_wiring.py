"""The pure parts of the verdict's wiring: the list's time window and cursor, which stream
records start an evaluation, and the list row's headline."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from vclient.api.calls import CallsQuery
from vclient.dal.calls_table import ended_call_id
from vclient.errors import ValidationFailed
from vclient.logic.list_calls import decode_cursor, encode_cursor, parse_query, window


def test_since_is_inclusive_and_until_exclusive_to_the_millisecond() -> None:
    query = CallsQuery(since="2026-12-03T05:00:00.0004Z", until="2026-12-03T06:00:00Z")
    since, until = window(query)
    # stored created_at values have milliseconds: .0004 s rounds up, until drops 1 ms
    assert since == "2026-12-03T05:00:00.001+00:00"
    assert until == "2026-12-03T05:59:59.999+00:00"
    # a time without a zone is UTC; a date is its midnight
    assert window(CallsQuery(since="2026-12-03"))[0] == "2026-12-03T00:00:00.000+00:00"
    assert window(CallsQuery(since="2026-12-03T08:00:00+03:00"))[0] == (
        "2026-12-03T05:00:00.000+00:00"
    )


def test_the_window_sorts_like_the_stored_times() -> None:
    stored = datetime(2026, 12, 3, 5, 30, tzinfo=UTC).isoformat(timespec="milliseconds")
    since, until = window(CallsQuery(since="2026-12-03T05:00Z", until="2026-12-03T06:00Z"))
    assert since is not None and until is not None and since <= stored <= until


def test_a_cursor_round_trips_and_a_made_up_one_is_a_422() -> None:
    position = ("2026-12-03T05:00:00.000+00:00", "0123456789abcdef0123456789abcdef")
    assert decode_cursor(encode_cursor(position)) == position
    for bad in ("x", encode_cursor(("yesterday", position[1])), encode_cursor((position[0], "1"))):
        with pytest.raises(ValidationFailed) as caught:
            decode_cursor(bad)
        assert caught.value.details["field"] == "cursor"


def test_label_filters_repeat_and_others_may_not() -> None:
    query = parse_query({"label": ["trainee:a", "team:north"], "engine": ["dialog"]})
    assert query.label == [("trainee", "a"), ("team", "north")]
    with pytest.raises(ValidationFailed) as caught:
        parse_query({"engine": ["dialog", "realtime"]})
    assert caught.value.details["field"] == "engine"


def _record(old: str | None, new: str, sk: str = "CALL", name: str = "MODIFY") -> dict:
    images = {"NewImage": {"status": {"S": new}}}
    if old is not None:
        images["OldImage"] = {"status": {"S": old}}
    return {"eventName": name, "dynamodb": {"Keys": {"pk": {"S": "c1"}, "sk": {"S": sk}}, **images}}


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (_record("connected", "completed"), "c1"),
        (_record("starting", "failed"), "c1"),
        (_record("ringing", "busy"), "c1"),
        (_record("completed", "completed"), None),  # a late batch on a finished call
        (_record("dialing", "connected"), None),
        (_record(None, "completed", name="INSERT"), None),
        (_record("connected", "completed", sk="EV#0000001"), None),
        (_record("connected", "completed", sk="EVAL"), None),
    ],
)
def test_only_a_call_item_becoming_final_starts_an_evaluation(record: dict, expected: str) -> None:
    assert ended_call_id(record) == expected
