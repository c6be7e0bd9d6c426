"""Helpers for the integration tests: place a call through the start-call handler, then speak
to the scenario routes with its token, as a VoxEngine scenario would."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import LambdaContext, load_event


class Call:
    def __init__(self, call_id: str, token: str) -> None:
        self.call_id = call_id
        self.token = token


def place(start_call: Any, fake_vox: Any, **body: Any) -> Call:
    event = load_event("post_call.json")
    event["body"] = json.dumps({"to": "+79161234567", **body})
    result = start_call.handler(event, LambdaContext())
    assert result["statusCode"] == 202, result["body"]
    custom = json.loads(fake_vox.requests[-1]["params"]["script_custom_data"])
    return Call(custom["id"], custom["tok"])


def request(
    module: Any,
    name: str,
    call: Call,
    body: Any = None,
    *,
    token: str | None = "call",
    call_id: str | None = None,
) -> tuple[int, dict[str, Any]]:
    event = load_event(name)
    target = call_id or call.call_id
    event["path"] = event["path"].replace("0123456789abcdef0123456789abcdef", target)
    event["requestContext"]["path"] = event["requestContext"]["path"].replace(
        "0123456789abcdef0123456789abcdef", target
    )
    event["pathParameters"] = {"call_id": target}
    headers = event["headers"]
    if token is None:
        headers.pop("Authorization")
        event["multiValueHeaders"].pop("Authorization")
    else:
        value = f"Bearer {call.token if token == 'call' else token}"
        headers["Authorization"] = value
        event["multiValueHeaders"]["Authorization"] = [value]
    if body is not None:
        event["body"] = body if isinstance(body, str) else json.dumps(body)
    result = module.handler(event, LambdaContext())
    return result["statusCode"], json.loads(result["body"])


def session(module: Any, call: Call, **kw: Any) -> tuple[int, dict[str, Any]]:
    return request(module, "get_session.json", call, **kw)


def reply(module: Any, call: Call, turn: int, text: str, **kw: Any) -> tuple[int, dict[str, Any]]:
    return request(module, "post_reply.json", call, {"turn": turn, "text": text}, **kw)
