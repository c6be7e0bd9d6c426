"""Calls whose end never reached us: marked ``failed`` once no event can arrive any more.

A call's final event can be lost: VoxEngine allows one HTTP request after
``AppEvents.Terminating``, and the events function may be down for all of the scenario's
retries. Such a call would stay ``connected`` for good: shown live, never evaluated. Past its
token's expiry nothing can authenticate an event for it, so a scheduled sweep ends it as
``failed`` (``failure.source = "system"``, ``reason = "lost"``), conditioned on the status it
read. The status change is a final status, so the table's stream runs the evaluation.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from vclient.dal.calls_table import CallsRepository
from vclient.logic.call_token import MAX_TTL_S, token_ttl_s
from vclient.observability import logger
from vclient.vocabulary import FINAL_STATUSES, iso_utc

#: The shortest token a call can have (the config's smallest max_call_duration_s): a call
#: younger than this cannot be lost yet, so the index window ends here.
MIN_TTL_S = token_ttl_s(30)
#: How far back a sweep looks beyond the longest token: a day of missed sweeps is caught up.
LOOKBACK_S = 24 * 3600

LOST = {
    "source": "system",
    "reason": "lost",
    "message": "The call's final event never arrived before its token expired",
}


@dataclass
class SweepLostCalls:
    calls: CallsRepository
    now: Callable[[], float] = time.time

    def __call__(self) -> list[str]:
        """The ids of the calls this sweep ended."""
        now = self.now()
        since, until = iso_utc(now - MAX_TTL_S - LOOKBACK_S), iso_utc(now - MIN_TTL_S)
        swept = []
        for call_id in self.calls.open_calls(since, until):
            record = self.calls.get(call_id)
            if record is None or record.status in FINAL_STATUSES:
                continue
            if record.token_expires_at > now:
                continue  # an event may still come
            changes = {"status": "failed", "failure": LOST, "updated_at": iso_utc(now)}
            if self.calls.update(call_id, changes, only_if_status=record.status):
                swept.append(call_id)
                logger.warning(
                    "A call's final event never arrived: marked failed (lost)",
                    extra={"call_id": call_id, "was": record.status},
                )
        return swept
