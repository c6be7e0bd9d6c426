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
from vclient.logic.list_calls import ListCalls

BATCH_ID = re.compile(r"^[0-9a-f]{32}$")
#: The filters of ``GET /calls`` this report takes instead of a batch.
FILTERS = ("persona", "engine", "since", "until", "label")
MAX_REPORT_CALLS = 300
PAGE = 100


@dataclass
class CompareReport:
    batches: BatchesRepository
    events: EventsRepository
    simulated: bool = False
    #: ``GET /calls``'s use case (the calls index), for the filter form of the report.
    list_calls: ListCalls | None = None
    now: Callable[[], float] = field(default=time.time)

    def __call__(self, query: Mapping[str, list[str]]) -> dict[str, Any]:
        """``batch=ID``, or the filters of ``GET /calls`` (``persona``, ``since``, ``until``,
        ``label`` repeated, ``engine``) over at most ``MAX_REPORT_CALLS`` newest calls."""
        unknown = sorted(set(query) - {"batch", *FILTERS})
        if unknown:
            raise ValidationFailed(
                f"{unknown[0]}: not a filter of this report (batch, or {', '.join(FILTERS)})",
                field=unknown[0],
            )
        if "batch" in query:
            values = query["batch"]
            if set(query) != {"batch"}:
                raise ValidationFailed(
                    "batch: give the batch alone (its calls are the report's calls)",
                    field="batch",
                )
            if len(values) != 1 or not BATCH_ID.match(values[0]):
                raise ValidationFailed(
                    "batch: one batch id (32 lowercase hex characters)", field="batch"
                )
            return self.for_batch(values[0])
        if not query:
            raise ValidationFailed(
                f"say which calls: batch=<batch id>, or filters ({', '.join(FILTERS)})",
                field="batch",
            )
        return self.for_filters(query)

    def for_filters(self, query: Mapping[str, list[str]]) -> dict[str, Any]:
        if self.list_calls is None:
            raise ValidationFailed("this report takes batch=<batch id> only", field="batch")
        ids: list[str] = []
        cursor: str | None = None
        truncated = False
        while True:
            page_query = {**query, "limit": [str(PAGE)], **({"cursor": [cursor]} if cursor else {})}
            page = self.list_calls(page_query)
            ids.extend(row.call_id for row in page.calls)
            cursor = page.next_cursor
            if len(ids) >= MAX_REPORT_CALLS:
                truncated = cursor is not None or len(ids) > MAX_REPORT_CALLS
                ids = ids[:MAX_REPORT_CALLS]
                break
            if cursor is None:
                break
        views = [v for v in (call_view(self.events.partition(i)) for i in ids) if v is not None]
        scope: dict[str, Any] = {k: (v if k == "label" else v[0]) for k, v in query.items()}
        if truncated:
            scope["truncated"] = (
                f"only the newest {MAX_REPORT_CALLS} matching calls; narrow the filters"
            )
        body = compare_body(views, simulated=self.simulated, scope=scope)
        body["generated_at"] = datetime.fromtimestamp(self.now(), UTC).isoformat(timespec="seconds")
        return body

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
