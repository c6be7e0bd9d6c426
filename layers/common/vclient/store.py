"""The calls table: one partition per call (``pk = call_id``); the call item has ``sk = "CALL"``.

Later items of the same call (turns, events) share the partition, so one Query reads a call whole.
Uses the low-level client with boto3's type (de)serialisers: cheaper to create than a resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from vclient.models import CallRecord

CALL_SK = "CALL"
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(v) for k, v in values.items() if v is not None}


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


class CallsRepository:
    def __init__(self, table_name: str, client: Any | None = None) -> None:
        self._table = table_name
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = boto3.client("dynamodb")
        return self._client

    def create(self, record: CallRecord) -> None:
        item = to_item({"pk": record.call_id, "sk": CALL_SK, **record.model_dump()})
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
