"""The batches table: one partition per batch (``pk = "BATCH#<id>"``) and a lock per number.

- ``sk = "BATCH"``: the batch (its request, state, ``live`` calls, the last start, counts);
- ``sk = "ITEM#<nnnn>"``: one item per target × engine × repeat (state, attempt, its calls);
- ``pk = "NUMBER#<e164>", sk = "LOCK"``: held while a call to that number is live, by whichever
  batch dialed it, so one number is never dialed twice at once (it expires on its own after the
  longest call, should a release be lost).

A start is claimed in one transaction — a slot under ``max_concurrent`` and ``start_interval_s``,
the item's next attempt, the number's lock — so a retried or duplicated message never claims
twice; which condition failed tells the worker how long to wait.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from vclient.dal.calls_table import _Table, from_item, to_item

BATCH_SK = "BATCH"
ITEM_PREFIX = "ITEM#"
LOCK_SK = "LOCK"


def batch_pk(batch_id: str) -> str:
    return f"BATCH#{batch_id}"


def item_sk(index: int) -> str:
    return f"{ITEM_PREFIX}{index:04d}"


def lock_pk(number: str) -> str:
    return f"NUMBER#{number}"


@dataclass(frozen=True)
class ClaimRefused:
    """Why a start could not be claimed: ``batch`` (no slot, too soon, not running), ``item``
    (already claimed: a duplicate) or ``number`` (that number is live in a call)."""

    reason: str


def _update(
    table: str, key: Mapping[str, Any], sets: Mapping[str, Any], condition: str, **values: Any
) -> dict[str, Any]:
    """One Update action: ``SET`` of ``sets``; ``condition`` may use ``#state`` and ``:<name>``."""
    names: dict[str, str] = {"#state": "state"}
    paths = []
    for i, name in enumerate(sets):
        # A key may be a document path: "calls[2].outcome" → #f0_0[2].#f0_1
        parts = []
        for j, segment in enumerate(name.split(".")):
            base, bracket, rest = segment.partition("[")
            names[f"#f{i}_{j}"] = base
            parts.append(f"#f{i}_{j}" + (bracket + rest if bracket else ""))
        paths.append(".".join(parts))
    vals = {f":v{i}": value for i, value in enumerate(sets.values())}
    vals.update({f":{k}": v for k, v in values.items()})
    expression = "SET " + ", ".join(f"{path} = :v{i}" for i, path in enumerate(paths))
    return {
        "TableName": table,
        "Key": to_item(key),
        "UpdateExpression": expression,
        "ConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": to_item(vals),
    }


def _conditional_failed(exc: ClientError) -> bool:
    return exc.response["Error"]["Code"] in (
        "ConditionalCheckFailedException",
        "TransactionCanceledException",
    )


class BatchesRepository(_Table):
    # -- the batch and its items ----------------------------------------------------------------

    def create(self, batch: Mapping[str, Any], items: Sequence[Mapping[str, Any]]) -> None:
        """The batch and its items, the batch item first (conditioned on a new id)."""
        batch_id = str(batch["batch_id"])
        self.client.put_item(
            TableName=self._table,
            Item=to_item({"pk": batch_pk(batch_id), "sk": BATCH_SK, **batch}),
            ConditionExpression="attribute_not_exists(pk)",
        )
        for start in range(0, len(items), 25):
            requests = {
                self._table: [
                    {
                        "PutRequest": {
                            "Item": to_item(
                                {"pk": batch_pk(batch_id), "sk": item_sk(i["index"]), **i}
                            )
                        }
                    }
                    for i in items[start : start + 25]
                ]
            }
            while requests:
                answer = self.client.batch_write_item(RequestItems=requests)
                requests = answer.get("UnprocessedItems") or {}

    def get(self, batch_id: str) -> dict[str, Any] | None:
        answer = self.client.get_item(
            TableName=self._table,
            Key=to_item({"pk": batch_pk(batch_id), "sk": BATCH_SK}),
            ConsistentRead=True,
        )
        item = answer.get("Item")
        return from_item(item) if item else None

    def get_item(self, batch_id: str, index: int) -> dict[str, Any] | None:
        answer = self.client.get_item(
            TableName=self._table,
            Key=to_item({"pk": batch_pk(batch_id), "sk": item_sk(index)}),
            ConsistentRead=True,
        )
        item = answer.get("Item")
        return from_item(item) if item else None

    def items(self, batch_id: str) -> list[dict[str, Any]]:
        """Every item of the batch, in index order."""
        out: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :items)",
            "ExpressionAttributeValues": to_item(
                {":pk": batch_pk(batch_id), ":items": ITEM_PREFIX}
            ),
            "ConsistentRead": True,
        }
        while True:
            page = self.client.query(**kwargs)
            out.extend(from_item(item) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return out
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def set_state(
        self, batch_id: str, state: str, *, allowed_from: tuple[str, ...], now: str
    ) -> bool:
        """Moves the batch to ``state`` only from one of ``allowed_from``; False otherwise."""
        placeholders = {f"s{i}": s for i, s in enumerate(allowed_from)}
        condition = f"#state IN ({', '.join(':' + k for k in placeholders)})"
        try:
            self.client.update_item(
                **_update(
                    self._table,
                    {"pk": batch_pk(batch_id), "sk": BATCH_SK},
                    {"state": state, "updated_at": now},
                    condition,
                    **placeholders,
                )
            )
        except ClientError as exc:
            if _conditional_failed(exc):
                return False
            raise
        return True

    def update_item_state(
        self,
        batch_id: str,
        index: int,
        changes: Mapping[str, Any],
        *,
        from_states: tuple[str, ...],
        attempt: int | None = None,
    ) -> bool:
        """Changes an item only while it is in one of ``from_states`` (and at ``attempt``)."""
        placeholders: dict[str, Any] = {f"s{i}": s for i, s in enumerate(from_states)}
        condition = f"#state IN ({', '.join(':' + k for k in placeholders)})"
        if attempt is not None:
            placeholders["attempt"] = attempt
            condition += " AND attempt = :attempt"
        try:
            self.client.update_item(
                **_update(
                    self._table,
                    {"pk": batch_pk(batch_id), "sk": item_sk(index)},
                    changes,
                    condition,
                    **placeholders,
                )
            )
        except ClientError as exc:
            if _conditional_failed(exc):
                return False
            raise
        return True

    def add_call(self, batch_id: str, index: int, attempt: int, call: Mapping[str, Any]) -> bool:
        """Appends the started call to the item (once: only while it is ``dialing`` at
        ``attempt``) and makes it ``live``."""
        try:
            self.client.update_item(
                TableName=self._table,
                Key=to_item({"pk": batch_pk(batch_id), "sk": item_sk(index)}),
                UpdateExpression="SET calls = list_append(calls, :call), #state = :live, "
                "updated_at = :now",
                ConditionExpression="#state = :dialing AND attempt = :attempt",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues=to_item(
                    {
                        ":call": [dict(call)],
                        ":live": "live",
                        ":dialing": "dialing",
                        ":attempt": attempt,
                        ":now": call["started_at"],
                    }
                ),
            )
        except ClientError as exc:
            if _conditional_failed(exc):
                return False
            raise
        return True

    # -- the tick chain -------------------------------------------------------------------------

    def claim_tick(self, batch_id: str, *, expected: int, next_seq: int, now_ms: int) -> bool:
        """Moves ``tick_seq`` from ``expected`` to ``next_seq`` (once); False if it moved."""
        try:
            self.client.update_item(
                TableName=self._table,
                Key=to_item({"pk": batch_pk(batch_id), "sk": BATCH_SK}),
                UpdateExpression="SET tick_seq = :next, tick_claimed_ms = :now",
                ConditionExpression="tick_seq = :expected",
                ExpressionAttributeValues=to_item(
                    {":next": next_seq, ":now": now_ms, ":expected": expected}
                ),
            )
        except ClientError as exc:
            if _conditional_failed(exc):
                return False
            raise
        return True

    def tick_sent(self, batch_id: str, seq: int) -> None:
        """The tick ``seq`` is on the queue (a takeover is no longer needed)."""
        self.client.update_item(
            TableName=self._table,
            Key=to_item({"pk": batch_pk(batch_id), "sk": BATCH_SK}),
            UpdateExpression="SET tick_sent = :seq",
            ExpressionAttributeValues=to_item({":seq": seq}),
        )

    # -- claiming and releasing a start ---------------------------------------------------------

    def claim_start(
        self,
        batch_id: str,
        index: int,
        attempt: int,
        *,
        number: str,
        now_ms: int,
        interval_ms: int,
        lock_until_s: int,
        now: str,
    ) -> ClaimRefused | None:
        """One transaction: a slot (``live < max_concurrent``, the last start at least
        ``interval_ms`` ago, the batch running), the item's ``attempt`` (from the one before it)
        and the number's lock. None when claimed, else which part refused."""
        holder = f"{batch_id}:{index}:{attempt}"
        actions = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": to_item({"pk": batch_pk(batch_id), "sk": BATCH_SK}),
                    "UpdateExpression": "SET live = live + :one, last_start_ms = :now_ms, "
                    "#state = :running, updated_at = :now",
                    "ConditionExpression": "#state IN (:queued, :running) AND "
                    "live < max_concurrent AND last_start_ms <= :latest",
                    "ExpressionAttributeNames": {"#state": "state"},
                    "ExpressionAttributeValues": to_item(
                        {
                            ":one": 1,
                            ":now_ms": now_ms,
                            ":running": "running",
                            ":queued": "queued",
                            ":latest": now_ms - interval_ms,
                            ":now": now,
                        }
                    ),
                }
            },
            {
                "Update": {
                    "TableName": self._table,
                    "Key": to_item({"pk": batch_pk(batch_id), "sk": item_sk(index)}),
                    "UpdateExpression": "SET #state = :dialing, attempt = :attempt, "
                    "updated_at = :now REMOVE next_at, reason",
                    "ConditionExpression": "#state IN (:queued, :waiting) AND attempt = :previous",
                    "ExpressionAttributeNames": {"#state": "state"},
                    "ExpressionAttributeValues": to_item(
                        {
                            ":dialing": "dialing",
                            ":attempt": attempt,
                            ":previous": attempt - 1,
                            ":queued": "queued",
                            ":waiting": "waiting",
                            ":now": now,
                        }
                    ),
                }
            },
            {
                "Put": {
                    "TableName": self._table,
                    "Item": to_item(
                        {
                            "pk": lock_pk(number),
                            "sk": LOCK_SK,
                            "holder": holder,
                            "lock_expires_s": lock_until_s,
                            "expires_at": lock_until_s + 86400,
                        }
                    ),
                    "ConditionExpression": "attribute_not_exists(pk) OR lock_expires_s < :now_s "
                    "OR holder = :holder",
                    "ExpressionAttributeValues": to_item(
                        {":now_s": now_ms // 1000, ":holder": holder}
                    ),
                }
            },
        ]
        try:
            self.client.transact_write_items(TransactItems=actions)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
            for part, code in zip(("batch", "item", "number"), reasons, strict=False):
                if code == "ConditionalCheckFailed":
                    return ClaimRefused(part)
            return ClaimRefused("batch")
        return None

    def release(
        self,
        batch_id: str,
        index: int,
        attempt: int,
        *,
        item_changes: Mapping[str, Any],
        final: bool,
        number: str,
    ) -> bool:
        """Gives the slot back and moves the item on (``final``: the item is finished and the
        batch counts it), once: only while the item holds this attempt. Then the number's lock."""
        sets = dict(item_changes)
        item_update = _update(
            self._table,
            {"pk": batch_pk(batch_id), "sk": item_sk(index)},
            sets,
            "#state IN (:dialing, :live) AND attempt = :attempt",
            dialing="dialing",
            live="live",
            attempt=attempt,
        )
        batch_update = {
            "TableName": self._table,
            "Key": to_item({"pk": batch_pk(batch_id), "sk": BATCH_SK}),
            "UpdateExpression": "SET live = live - :one, items_final = items_final + :done",
            "ConditionExpression": "live > :zero",
            "ExpressionAttributeValues": to_item(
                {":one": 1, ":done": 1 if final else 0, ":zero": 0}
            ),
        }
        try:
            self.client.transact_write_items(
                TransactItems=[{"Update": item_update}, {"Update": batch_update}]
            )
        except ClientError as exc:
            if _conditional_failed(exc):
                return False
            raise
        self.unlock(number, f"{batch_id}:{index}:{attempt}")
        return True

    def unlock(self, number: str, holder: str) -> None:
        try:
            self.client.delete_item(
                TableName=self._table,
                Key=to_item({"pk": lock_pk(number), "sk": LOCK_SK}),
                ConditionExpression="holder = :holder",
                ExpressionAttributeValues=to_item({":holder": holder}),
            )
        except ClientError as exc:
            if not _conditional_failed(exc):
                raise

    def finish_unstarted(
        self, batch_id: str, index: int, changes: Mapping[str, Any], *, from_states: tuple[str, ...]
    ) -> bool:
        """An item that never holds a slot any more (cancelled, or refused for good) is final:
        the item moves and the batch counts it, together."""
        placeholders = {f"s{i}": s for i, s in enumerate(from_states)}
        item_update = _update(
            self._table,
            {"pk": batch_pk(batch_id), "sk": item_sk(index)},
            changes,
            f"#state IN ({', '.join(':' + k for k in placeholders)})",
            **placeholders,
        )
        batch_update = {
            "TableName": self._table,
            "Key": to_item({"pk": batch_pk(batch_id), "sk": BATCH_SK}),
            "UpdateExpression": "SET items_final = items_final + :one",
            "ExpressionAttributeValues": to_item({":one": 1}),
        }
        try:
            self.client.transact_write_items(
                TransactItems=[{"Update": item_update}, {"Update": batch_update}]
            )
        except ClientError as exc:
            if _conditional_failed(exc):
                return False
            raise
        return True

    def mark_done_if_finished(self, batch_id: str, now: str) -> bool:
        """``done`` once every item is final (a cancelled batch stays cancelled)."""
        try:
            self.client.update_item(
                TableName=self._table,
                Key=to_item({"pk": batch_pk(batch_id), "sk": BATCH_SK}),
                UpdateExpression="SET #state = :done, updated_at = :now, finished_at = :now",
                ConditionExpression="items_final >= calls_total AND #state IN "
                "(:queued, :running, :paused)",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues=to_item(
                    {
                        ":done": "done",
                        ":now": now,
                        ":queued": "queued",
                        ":running": "running",
                        ":paused": "paused",
                    }
                ),
            )
        except ClientError as exc:
            if _conditional_failed(exc):
                return False
            raise
        return True
