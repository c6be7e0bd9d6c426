"""``GET /reports/compare?batch=ID``: the engines side by side over every call of a batch.

Each call is read back exactly as ``GET /call/{id}`` shows it (``vclient.logic.call_report``), and
the figures come from those views only (``vclient.compare.figures``), so anyone can recompute
them from the calls. The paired tables pair calls by the batch's target (the number dialed).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vclient.compare.figures import compare_body
from vclient.dal.batches_table import BatchesRepository
from vclient.dal.calls_table import EventsRepository
from vclient.errors import NotFound, ValidationFailed
from vclient.logic.call_report import call_view

BATCH_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class CompareReport:
    batches: BatchesRepository
    events: EventsRepository
    simulated: bool = False
    now: Callable[[], float] = field(default=time.time)

    def __call__(self, query: Mapping[str, list[str]]) -> dict[str, Any]:
        unknown = sorted(set(query) - {"batch"})
        if unknown:
            raise ValidationFailed(
                f"{unknown[0]}: not a filter of this report (use batch=<batch id>)",
                field=unknown[0],
            )
        values = query.get("batch") or []
        if len(values) != 1 or not BATCH_ID.match(values[0]):
            raise ValidationFailed(
                "batch: one batch id (32 lowercase hex characters) is required", field="batch"
            )
        return self.for_batch(values[0])

    def for_batch(self, batch_id: str) -> dict[str, Any]:
        batch = self.batches.get(batch_id)
        if batch is None:
            raise NotFound("No such batch", batch_id=batch_id)
        targets: dict[str, str] = {}
        for item in self.batches.items(batch_id):
            for call in item.get("calls") or []:
                targets[str(call["call_id"])] = str(item["to"])
        views = []
        for call_id in targets:
            view = call_view(self.events.partition(call_id))
            if view is not None:
                views.append(view)
        body = compare_body(
            views,
            targets=targets,
            simulated=self.simulated,
            scope={"batch": batch_id, "batch_state": batch["state"]},
        )
        body["generated_at"] = datetime.fromtimestamp(self.now(), UTC).isoformat(timespec="seconds")
        return body
