"""«Завершить»: end a running call through its scenario.

The call's ``media_session_access_url`` (stored at start, never shown to anyone) reaches the
running VoxEngine session as ``AppEvents.HttpRequest``; the scenario ends the call its usual way
out (``ended`` with reason ``stopped``), so the transcript, marks and recording stay complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vclient.dal.calls_table import CallsRepository
from vclient.dal.media_session import SessionGone, send_command
from vclient.errors import Conflict, NotFound
from vclient.logic.auth import Principal
from vclient.observability import logger
from vclient.vocabulary import FINAL_STATUSES


@dataclass
class StopCall:
    calls: CallsRepository

    def __call__(self, call_id: str, principal: Principal) -> dict[str, Any]:
        record = self.calls.get(call_id)
        if record is None:
            raise NotFound("No call with this id", call_id=call_id)
        if record.status in FINAL_STATUSES:
            raise Conflict("The call has already ended", status=record.status)
        if not record.vox_media_session_access_url:
            raise Conflict(
                "The call's scenario has not started yet; try again in a moment",
                status=record.status,
            )
        try:
            answer = send_command(
                record.vox_media_session_access_url, {"action": "hangup", "call_id": call_id}
            )
        except SessionGone as exc:
            logger.info("Stop: the session is gone", extra={"reason": str(exc)})
            raise Conflict(
                "The call's session is no longer running", status=record.status
            ) from None
        logger.info("Stop requested", extra={"by": principal.username, "answer": answer})
        if answer not in ("ok", "already ending"):
            raise Conflict(f"The scenario did not accept the stop: {answer[:100]}")
        return {"call_id": call_id, "stopping": True}
