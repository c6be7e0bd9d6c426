"""Who changed a routing setting from the console, and when: items in the calls table.

Partition ``settings#audit`` (no call id looks like it), one item per change, newest last by
``sk`` (ISO time + a random suffix). Kept without TTL: the history is small and is the record.
"""

from __future__ import annotations

import uuid
from typing import Any

from vclient.dal.calls_table import _Table, from_item, to_item

AUDIT_PK = "settings#audit"


class SettingsAudit(_Table):
    def record(self, *, at: str, who: str, setting: str, old: str | None, new: str) -> None:
        item = {
            "pk": AUDIT_PK,
            "sk": f"{at}#{uuid.uuid4().hex[:8]}",
            "at": at,
            "who": who,
            "setting": setting,
            "old": old,
            "new": new,
        }
        self.client.put_item(TableName=self._table, Item=to_item(item))

    def latest(self, limit: int = 20) -> list[dict[str, Any]]:
        response = self.client.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": AUDIT_PK}},
            ScanIndexForward=False,
            Limit=limit,
        )
        return [
            {k: v for k, v in from_item(item).items() if k not in ("pk", "sk")}
            for item in response.get("Items", [])
        ]
