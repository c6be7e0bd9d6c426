"""The calls table: one partition per call (``pk = call_id``); the call item has ``sk = "CALL"``.

Later items of the same call (turns, events) share the partition, so one Query reads a call whole.
Uses the low-level client with boto3's type (de)serialisers: cheaper to create than a resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from vclient.dal.items import (
    CallPartition,
    CallRecord,
    DialogItem,
    EvaluationItem,
    EventItem,
    PersonaItem,
)
from vclient.vocabulary import FINAL_STATUSES

CALL_SK = "CALL"
#: The index ``GET /calls`` reads: partition ``listed`` (only call items carry it, so the index
#: is sparse), sort ``created_at`` (ISO 8601 UTC with milliseconds: sorts as it reads).
CALLS_INDEX = "calls_by_created"
LISTED = "call"
#: The call item's fields the index carries (template.yaml's NonKeyAttributes, same list).
LISTED_FIELDS = (
    "call_id",
    "engine",
    "persona",
    "labels",
    "status",
    "ending",
    "end_reason",
    "duration_ms",
    "connected_at",
    "ended_at",
    "v2v_p50_ms",
    "verdict",
)
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(_numbers(v)) for k, v in values.items() if v is not None}


def _numbers(value: Any) -> Any:
    """``value`` with floats as Decimals (what DynamoDB's serializer takes)."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    return value


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _plain(_deserializer.deserialize(v)) for k, v in item.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | set):
        return [_plain(v) for v in value]
    return value


class _Table:
    """The calls table through a low-level client made on first use (not at cold start)."""

    def __init__(self, table_name: str, client: Any | None = None) -> None:
        self._table = table_name
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = boto3.client("dynamodb")
        return self._client


@dataclass(frozen=True)
class CallsFilter:
    """What ``GET /calls`` filters on; ``since``/``until`` are ``created_at`` strings, both
    inclusive (the caller turns an exclusive bound into the last millisecond before it)."""

    engine: str | None = None
    persona: str | None = None
    status: str | None = None
    labels: tuple[tuple[str, str], ...] = ()
    since: str | None = None
    until: str | None = None


@dataclass(frozen=True)
class CallsSlice:
    """One page of listed call items, and where the next one starts (``None``: no more)."""

    items: list[dict[str, Any]]
    after: tuple[str, str] | None  # (created_at, call_id) of the last item returned


class CallsRepository(_Table):
    #: Index pages one list request reads at most before answering with a cursor (a rare filter
    #: must not read the whole index in one request).
    MAX_INDEX_PAGES = 10

    def create(self, record: CallRecord) -> None:
        item = to_item(
            {"pk": record.call_id, "sk": CALL_SK, "listed": LISTED, **record.model_dump()}
        )
        self.client.put_item(
            TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)"
        )

    def get(self, call_id: str) -> CallRecord | None:
        response = self.client.get_item(
            TableName=self._table, Key=to_item({"pk": call_id, "sk": CALL_SK}), ConsistentRead=True
        )
        item = response.get("Item")
        return CallRecord.model_validate(from_item(item)) if item else None

    def update(
        self, call_id: str, changes: Mapping[str, Any], *, only_if_status: str | None = None
    ) -> bool:
        """Sets fields of a stored call; with ``only_if_status``, only while it has that status."""
        names = {f"#f{i}": name for i, name in enumerate(changes)}
        values = {f":v{i}": value for i, value in enumerate(changes.values())}
        expression = "SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(changes)))
        condition = "attribute_exists(pk)"
        if only_if_status is not None:
            names["#status"] = "status"
            values[":expected"] = only_if_status
            condition += " AND #status = :expected"
        try:
            self.client.update_item(
                TableName=self._table,
                Key=to_item({"pk": call_id, "sk": CALL_SK}),
                UpdateExpression=expression,
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={k: _serializer.serialize(v) for k, v in values.items()},
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def open_calls(self, since: str, until: str) -> list[str]:
        """Ids of the calls created in ``[since, until]`` whose status is not final, oldest
        first (every index page: the window bounds it)."""
        finals = {f":s{i}": status for i, status in enumerate(sorted(FINAL_STATUSES))}
        values: dict[str, Any] = {":listed": LISTED, ":since": since, ":until": until, **finals}
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": CALLS_INDEX,
            "KeyConditionExpression": "#listed = :listed AND #created BETWEEN :since AND :until",
            "FilterExpression": f"NOT (#status IN ({', '.join(finals)}))",
            "ExpressionAttributeNames": {
                "#listed": "listed",
                "#created": "created_at",
                "#status": "status",
            },
            "ExpressionAttributeValues": to_item(values),
            "ProjectionExpression": "pk",
        }
        found: list[str] = []
        while True:
            page = self.client.query(**kwargs)
            found += [from_item(item)["pk"] for item in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                return found
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def list_calls(
        self, where: CallsFilter, *, limit: int, after: tuple[str, str] | None = None
    ) -> CallsSlice:
        """Calls newest first from the index (a Query, never a Scan); filters other than the
        time window are applied by DynamoDB to what the index reads."""
        names: dict[str, str] = {"#listed": "listed"}
        values: dict[str, Any] = {":listed": LISTED}
        key = "#listed = :listed"
        if where.since or where.until:
            names["#created"] = "created_at"
        if where.since and where.until:
            key += " AND #created BETWEEN :since AND :until"
            values |= {":since": where.since, ":until": where.until}
        elif where.since:
            key += " AND #created >= :since"
            values[":since"] = where.since
        elif where.until:
            key += " AND #created <= :until"
            values[":until"] = where.until
        filters = []
        for field_name in ("engine", "persona", "status"):
            wanted = getattr(where, field_name)
            if wanted is not None:
                names[f"#{field_name}"] = field_name
                values[f":{field_name}"] = wanted
                filters.append(f"#{field_name} = :{field_name}")
        if where.labels:
            names["#labels"] = "labels"
        for i, (label, wanted) in enumerate(where.labels):
            names[f"#l{i}"] = label
            values[f":l{i}"] = wanted
            filters.append(f"#labels.#l{i} = :l{i}")
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": CALLS_INDEX,
            "KeyConditionExpression": key,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": to_item(values),
            "ScanIndexForward": False,
            "Limit": min(100, max(limit + 1, 25)),
        }
        if filters:
            kwargs["FilterExpression"] = " AND ".join(filters)
        if after is not None:
            created_at, call_id = after
            kwargs["ExclusiveStartKey"] = to_item(
                {"pk": call_id, "sk": CALL_SK, "listed": LISTED, "created_at": created_at}
            )
        items: list[dict[str, Any]] = []
        for _page in range(self.MAX_INDEX_PAGES):
            page = self.client.query(**kwargs)
            found = [from_item(item) for item in page.get("Items", [])]
            more = "LastEvaluatedKey" in page
            for index, item in enumerate(found):
                items.append(item)
                if len(items) == limit:
                    rest = index + 1 < len(found) or more
                    return CallsSlice(items, _position(item) if rest else None)
            if not more:
                return CallsSlice(items, None)
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return CallsSlice(items, _position(from_item(kwargs["ExclusiveStartKey"])))


def _position(item: Mapping[str, Any]) -> tuple[str, str]:
    return str(item["created_at"]), str(item["pk"])


DIALOG_SK = "DIALOG"
#: The call's persona as JSON, kept out of the dialog item: DynamoDB bills a write by the whole
#: item's size, and the persona is most of it.
PERSONA_SK = "PERSONA"
#: How many past answers stay stored for retried turns.
KEEP_ANSWERS = 6


class TurnClaim:
    """The outcome of trying to claim turn ``n`` of a call's dialog."""

    def __init__(self, status: str, item: dict[str, Any] | None) -> None:
        self.status = status  # "claimed" | "done" | "in_progress" | "stale" | "skipped" | "missing"
        self.item = item


class DialogRepository(_Table):
    """The call's dialog item (``sk = "DIALOG"``): engine state, config snapshot, last answers.

    A warm turn costs two writes and no read: the claim (an update that returns the item) and
    the commit (an update conditioned on the claim), so two concurrent requests for one turn
    make one LLM call and one state advance.
    """

    def _key(self, call_id: str) -> dict[str, Any]:
        return to_item({"pk": call_id, "sk": DIALOG_SK})

    def create(self, call_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """Stores a fresh dialog item, or returns the one already there (session re-fetch)."""
        item = {"pk": call_id, "sk": DIALOG_SK, "last_turn": 0, "answers": {}, **values}
        try:
            self.client.put_item(
                TableName=self._table,
                Item=to_item(item),
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            existing = self.get(call_id)
            assert existing is not None
            return existing
        return item

    def get(self, call_id: str) -> dict[str, Any] | None:
        response = self.client.get_item(
            TableName=self._table, Key=self._key(call_id), ConsistentRead=True
        )
        item = response.get("Item")
        return from_item(item) if item else None

    def put_persona(self, call_id: str, persona_json: str, *, expires_at: int) -> None:
        self.client.put_item(
            TableName=self._table,
            Item=to_item(
                {"pk": call_id, "sk": PERSONA_SK, "persona": persona_json, "expires_at": expires_at}
            ),
        )

    def get_persona(self, call_id: str) -> str | None:
        response = self.client.get_item(
            TableName=self._table,
            Key=to_item({"pk": call_id, "sk": PERSONA_SK}),
            ConsistentRead=True,
        )
        item = response.get("Item")
        return str(from_item(item)["persona"]) if item else None

    def claim(self, call_id: str, turn: int, *, now_ms: int, lease_ms: int) -> TurnClaim:
        try:
            response = self.client.update_item(
                TableName=self._table,
                Key=self._key(call_id),
                UpdateExpression="SET pending_turn = :n, pending_until = :until",
                ConditionExpression=(
                    "last_turn = :prev AND (attribute_not_exists(pending_turn) "
                    "OR pending_turn <> :n OR pending_until < :now)"
                ),
                ExpressionAttributeValues=to_item(
                    {":n": turn, ":prev": turn - 1, ":until": now_ms + lease_ms, ":now": now_ms}
                ),
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            old = exc.response.get("Item")
            if not old:
                return TurnClaim("missing", None)
            item = from_item(old)
            last = int(item.get("last_turn", 0))
            if turn <= last:
                return TurnClaim("done" if str(turn) in item.get("answers", {}) else "stale", item)
            if turn > last + 1:
                return TurnClaim("skipped", item)
            return TurnClaim("in_progress", item)
        return TurnClaim("claimed", from_item(response["Attributes"]))

    def commit(
        self,
        call_id: str,
        turn: int,
        *,
        state: dict[str, Any],
        answer: dict[str, Any],
        fallback_reason: str | None = None,
        usage: Mapping[str, Any] | None = None,
    ) -> bool:
        """Stores the turn's outcome if this request still holds the claim.

        ``fallback_reason`` (why the scripted responder answered) is kept from its first turn.
        ``usage`` (the text model's tokens this turn) is added to the call's totals
        (``text_usage``: model, calls, input, cached and output tokens), for its cost.
        """
        names = {"#n": str(turn)}
        values: dict[str, Any] = {":state": state, ":n": turn, ":prev": turn - 1, ":answer": answer}
        fallback = ""
        if fallback_reason:
            fallback = ", fallback_reason = if_not_exists(fallback_reason, :fr)"
            values[":fr"] = fallback_reason
        add = ""
        if usage:
            add = (
                " ADD text_calls :one, text_in_tokens :tin, text_cached_tokens :tca,"
                " text_out_tokens :tout"
            )
            fallback += ", text_model = :tmodel"
            values |= {
                ":one": 1,
                ":tin": int(usage.get("input_tokens") or 0),
                ":tca": int(usage.get("cached_tokens") or 0),
                ":tout": int(usage.get("output_tokens") or 0),
                ":tmodel": str(usage.get("model") or "unknown"),
            }
        remove = "REMOVE pending_turn, pending_until"
        old = turn - KEEP_ANSWERS
        if old >= 1:
            names["#old"] = str(old)
            remove += ", answers.#old"
        try:
            self.client.update_item(
                TableName=self._table,
                Key=self._key(call_id),
                UpdateExpression=(
                    f"SET #state = :state, last_turn = :n, answers.#n = :answer{fallback} "
                    f"{remove}{add}"
                ),
                ConditionExpression="pending_turn = :n AND last_turn = :prev",
                ExpressionAttributeNames={"#state": "state", **names},
                ExpressionAttributeValues=to_item(values),
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True


EVENT_PREFIX = "EV#"


def event_sk(seq: int) -> str:
    return f"{EVENT_PREFIX}{seq:07d}"


class EventsRepository(_Table):
    """Event items (``sk = "EV#<seq>"``) of a call, written in one transaction per batch."""

    def existing_seqs(self, call_id: str, low: int, high: int) -> set[int]:
        seqs: set[int] = set()
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
            "ExpressionAttributeValues": to_item(
                {":pk": call_id, ":low": event_sk(low), ":high": event_sk(high)}
            ),
            "ProjectionExpression": "sk",
            "ConsistentRead": True,
        }
        while True:
            page = self.client.query(**kwargs)
            for item in page.get("Items", []):
                seqs.add(int(item["sk"]["S"].removeprefix(EVENT_PREFIX)))
            if "LastEvaluatedKey" not in page:
                return seqs
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def store(
        self,
        call_id: str,
        events: list[dict[str, Any]],
        changes: Mapping[str, Any],
        *,
        expected_status: str,
    ) -> bool:
        """Puts new events and updates the call item atomically; False on a concurrent change."""
        actions: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": to_item({"pk": call_id, "sk": event_sk(e["seq"]), **e}),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
            for e in events
        ]
        names = {f"#f{i}": name for i, name in enumerate(changes)}
        values = {f":v{i}": value for i, value in enumerate(changes.values())}
        names["#status"] = "status"
        values[":expected"] = expected_status
        actions.append(
            {
                "Update": {
                    "TableName": self._table,
                    "Key": to_item({"pk": call_id, "sk": CALL_SK}),
                    "UpdateExpression": "SET "
                    + ", ".join(f"#f{i} = :v{i}" for i in range(len(changes))),
                    "ConditionExpression": "attribute_exists(pk) AND #status = :expected",
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": {
                        k: _serializer.serialize(v) for k, v in values.items()
                    },
                }
            }
        )
        try:
            self.client.transact_write_items(TransactItems=actions)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in (
                "TransactionCanceledException",
                "ConditionalCheckFailedException",
            ):
                return False
            raise
        return True

    def partition(self, call_id: str) -> CallPartition:
        """Every item of the call (call, dialog, persona, events, evaluation), as models."""
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": to_item({":pk": call_id}),
            "ConsistentRead": True,
        }
        while True:
            page = self.client.query(**kwargs)
            items.extend(from_item(item) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return partition_of(items)
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def partition_of(items: list[dict[str, Any]]) -> CallPartition:
    """A call's items (as ``from_item`` gives them) sorted into their models by sort key."""
    by_sk = {str(i.get("sk", "")): i for i in items}
    events = sorted(
        (
            EventItem.model_validate({k: v for k, v in i.items() if k not in ("pk", "sk")})
            for sk, i in by_sk.items()
            if sk.startswith(EVENT_PREFIX)
        ),
        key=lambda e: (e.t, e.seq),
    )
    call, dialog, persona, evaluation = (
        by_sk.get(sk) for sk in (CALL_SK, DIALOG_SK, PERSONA_SK, EVAL_SK)
    )
    return CallPartition(
        call=CallRecord.model_validate(call) if call else None,
        dialog=DialogItem.model_validate(dialog) if dialog else None,
        persona=PersonaItem.model_validate(persona) if persona else None,
        events=tuple(events),
        evaluation=EvaluationItem.model_validate(evaluation) if evaluation else None,
    )


def ended_call_id(record: Mapping[str, Any]) -> str | None:
    """The call id of a DynamoDB stream record in which a call item's status became final, else
    None (the event source's filter lets only those through; this check stands without it)."""
    data = record.get("dynamodb") or {}
    keys = data.get("Keys") or {}
    if (keys.get("sk") or {}).get("S") != CALL_SK or record.get("eventName") != "MODIFY":
        return None
    new = ((data.get("NewImage") or {}).get("status") or {}).get("S")
    old = ((data.get("OldImage") or {}).get("status") or {}).get("S")
    if new in FINAL_STATUSES and old not in FINAL_STATUSES:
        return str((keys.get("pk") or {}).get("S"))
    return None


#: The call's evaluation (the verdict after the hang-up), one item per call, written once.
EVAL_SK = "EVAL"


class EvaluationsRepository(_Table):
    """The evaluation item (``sk = "EVAL"``: the verdict as JSON text, so its floats stay exact)
    and the call item's headline (``verdict``, ``v2v_p50_ms``), written in one transaction."""

    def get(self, call_id: str) -> dict[str, Any] | None:
        response = self.client.get_item(
            TableName=self._table,
            Key=to_item({"pk": call_id, "sk": EVAL_SK}),
            ConsistentRead=True,
        )
        item = response.get("Item")
        return from_item(item) if item else None

    def put_once(
        self,
        call_id: str,
        evaluation_json: str,
        *,
        status: str,
        headline: Mapping[str, Any],
        call_changes: Mapping[str, Any],
        expires_at: int,
        created_at: str,
    ) -> bool:
        """Stores the evaluation unless one is stored already (False then: nothing written)."""
        changes = {"verdict": _numbers(dict(headline)), **call_changes}
        names = {f"#f{i}": name for i, name in enumerate(changes)}
        values = {f":v{i}": value for i, value in enumerate(changes.values())}
        item = {
            "pk": call_id,
            "sk": EVAL_SK,
            "status": status,
            "evaluation": evaluation_json,
            "created_at": created_at,
            "expires_at": expires_at,
        }
        try:
            self.client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": to_item(item),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": to_item({"pk": call_id, "sk": CALL_SK}),
                            "UpdateExpression": "SET "
                            + ", ".join(f"#f{i} = :v{i}" for i in range(len(changes))),
                            "ConditionExpression": "attribute_exists(pk)",
                            "ExpressionAttributeNames": names,
                            "ExpressionAttributeValues": {
                                k: _serializer.serialize(v) for k, v in values.items()
                            },
                        }
                    },
                ]
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] in (
                "TransactionCanceledException",
                "ConditionalCheckFailedException",
            ):
                return False
            raise
        return True
