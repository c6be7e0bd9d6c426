"""``GET /calls``: the calls newest first, filtered, a page at a time, from the calls index.

The query string is checked whole (an unknown or repeated parameter is a 422, so a typo never
silently lists everything); the cursor is opaque to clients: base64url of the last row's
position, checked when it comes back.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from vclient.api.calls import CallRow, CallsPage, CallsQuery, EvaluationHeadline
from vclient.dal.calls_table import CallsFilter, CallsRepository
from vclient.errors import ValidationFailed
from vclient.web import CALL_ID, validation_error

#: Parameters that may repeat; any other given twice is an error.
REPEATABLE = frozenset({"label"})


def parse_query(multi: Mapping[str, Sequence[str]] | None) -> CallsQuery:
    """``CallsQuery`` from API Gateway's ``multiValueQueryStringParameters``."""
    data: dict[str, Any] = {}
    for name, values in (multi or {}).items():
        if name in REPEATABLE:
            data[name] = list(values)
        elif len(values) > 1:
            raise ValidationFailed(f"{name}: given {len(values)} times; give it once", field=name)
        else:
            data[name] = values[0]
    try:
        return CallsQuery.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc.errors()) from None


def encode_cursor(after: tuple[str, str]) -> str:
    raw = json.dumps({"c": after[0], "i": after[1]}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    bad = ValidationFailed(
        "cursor: not a cursor this API gave; pass next_cursor back as it was", field="cursor"
    )
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        created_at, call_id = data["c"], data["i"]
        datetime.fromisoformat(created_at)
    except (ValueError, TypeError, KeyError, binascii.Error):
        raise bad from None
    if not isinstance(call_id, str) or not CALL_ID.match(call_id):
        raise bad
    return created_at, call_id


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def window(query: CallsQuery) -> tuple[str | None, str | None]:
    """``since`` (inclusive) and ``until`` (exclusive) as inclusive ``created_at`` bounds: the
    stored times have milliseconds, so the bounds are rounded to the milliseconds inside."""
    since = until = None
    if query.since is not None:
        moment = query.since
        if moment.microsecond % 1000:
            moment += timedelta(microseconds=1000 - moment.microsecond % 1000)
        since = _iso(moment)
    if query.until is not None:
        moment = query.until - timedelta(microseconds=1)
        until = _iso(moment - timedelta(microseconds=moment.microsecond % 1000))
    return since, until


def headline(verdict: Mapping[str, Any] | None) -> EvaluationHeadline | None:
    return EvaluationHeadline.model_validate(verdict) if verdict else None


def row(item: Mapping[str, Any]) -> CallRow:
    return CallRow(
        call_id=str(item["pk"]),
        created_at=str(item["created_at"]),
        connected_at=item.get("connected_at"),
        ended_at=item.get("ended_at"),
        engine=item["engine"],
        persona=item.get("persona"),
        labels=dict(item.get("labels") or {}),
        status=item["status"],
        ending=item.get("ending") or item.get("end_reason"),
        duration_ms=item.get("duration_ms"),
        voice_to_voice_p50_ms=item.get("v2v_p50_ms"),
        evaluation=headline(item.get("verdict")),
    )


@dataclass
class ListCalls:
    """``GET /calls`` (API key)."""

    calls: CallsRepository

    def __call__(self, multi_query: Mapping[str, Sequence[str]] | None) -> CallsPage:
        query = parse_query(multi_query)
        since, until = window(query)
        where = CallsFilter(
            engine=query.engine,
            persona=query.persona,
            status=query.status,
            labels=tuple(query.label),
            since=since,
            until=until,
        )
        after = decode_cursor(query.cursor) if query.cursor else None
        found = self.calls.list_calls(where, limit=query.limit, after=after)
        return CallsPage(
            calls=[row(item) for item in found.items],
            next_cursor=encode_cursor(found.after) if found.after else None,
        )
