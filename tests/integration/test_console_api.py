"""The console's own routes (functions/console/api.py) and its page (web.py) on moto.

The Cognito authorizer has run before the handler (its claims are in the event); the handler
decides what the role may do, signs people in against the template's user pool, switches the
default engine and ends a call through its session's access URL.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import ROOT, LambdaContext, import_function, load_event

CALL_ID = "0123456789abcdef0123456789abcdef"


def import_console(module: str, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    return import_function("console", env, monkeypatch, module)


@pytest.fixture
def pool(aws: Any) -> Any:
    import boto3

    from vclient_dev.local_auth import provision_user_pool
    from vclient_dev.local_stack import local_resolver
    from vclient_dev.template import load_template

    template = load_template()
    return provision_user_pool(
        template,
        boto3.client("cognito-idp"),
        local_resolver(template, aws.done.names),
        "us-east-1",
    )


@pytest.fixture
def console(
    pool: Any, function_env: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> ModuleType:
    env = {**function_env["ConsoleApiFunction"], "CONSOLE_CLIENT_ID": pool.client_id}
    return import_console("api", env, monkeypatch)


def request(
    module: ModuleType,
    method: str,
    route: str,
    body: Any = None,
    *,
    groups: str | None = "trainer",
    params: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    event = load_event("console_api.json")
    event["httpMethod"] = event["requestContext"]["httpMethod"] = method
    event["path"] = f"/console/api{route}"
    event["requestContext"]["path"] = f"/prod/console/api{route}"
    event["pathParameters"] = params
    if groups is None:
        del event["requestContext"]["authorizer"]
    else:
        event["requestContext"]["authorizer"]["claims"]["cognito:groups"] = groups
    if body is not None:
        event["body"] = body if isinstance(body, str) else json.dumps(body)
    result = module.handler(event, LambdaContext())
    return result["statusCode"], json.loads(result["body"])


def test_sign_in_gives_an_id_token_with_the_role_and_refuses_a_wrong_password(
    console: ModuleType, pool: Any
) -> None:
    user = pool.users["admin"]
    status, body = request(
        console, "POST", "/session", {"username": "admin", "password": user.password}, groups=None
    )
    assert status == 200
    assert body["role"] == "admin"
    assert body["username"] == "admin"
    assert body["id_token"].count(".") == 2
    status, body = request(
        console, "POST", "/session", {"username": "admin", "password": "wrong-one"}, groups=None
    )
    assert (status, body["code"]) == (401, "sign_in_failed")
    assert user.password not in json.dumps(body)
    status, body = request(console, "POST", "/session", {"username": "admin"}, groups=None)
    assert (status, body["code"]) == (422, "validation_error")
    assert "password" in body["message"]


def test_me_says_who_and_what_the_call_page_needs(console: ModuleType) -> None:
    status, body = request(console, "GET", "/me", groups="viewer,trainer")
    assert status == 200
    assert body["username"] == "anna"
    assert body["role"] == "trainer"  # the strongest of the groups
    assert body["permissions"] == ["place_calls", "read"]
    assert body["default_engine"] == "dialog"
    assert body["allowed_prefixes"] == ["+7", "+44"]
    assert {p["id"] for p in body["personas"]} >= {"car_buyer"}


def test_no_console_group_reads_nothing(console: ModuleType) -> None:
    status, body = request(console, "GET", "/me", groups="")
    assert (status, body["code"]) == (403, "role_forbidden")


def test_the_routing_is_an_admins_and_the_switch_is_recorded(console: ModuleType, aws: Any) -> None:
    status, body = request(console, "GET", "/settings", groups="trainer")
    assert (status, body["code"]) == (403, "role_forbidden")
    status, body = request(console, "GET", "/settings", groups="admin")
    assert status == 200
    assert body["engines"]["realtime"]["rule"] == "voice_realtime"
    assert body["history"] == []
    status, body = request(
        console, "PUT", "/settings/default_engine", {"engine": "realtime"}, groups="admin"
    )
    assert status == 200
    assert body["default_engine"] == "realtime"
    stored = aws.clients["ssm"].get_parameter(Name=f"{aws.prefix}/default_engine")["Parameter"]
    assert stored["Value"] == "realtime"
    described = aws.clients["ssm"].describe_parameters(
        ParameterFilters=[{"Key": "Name", "Values": [f"{aws.prefix}/default_engine"]}]
    )["Parameters"][0]
    assert "anna" in described["Description"]
    (change,) = body["history"]
    assert (change["who"], change["old"], change["new"]) == ("anna", "dialog", "realtime")
    status, body = request(
        console, "PUT", "/settings/default_engine", {"engine": "gpt"}, groups="admin"
    )
    assert (status, body["code"], body["field"]) == (422, "validation_error", "engine")


def test_a_pasted_persona_is_checked_with_lines(console: ModuleType) -> None:
    status, body = request(
        console, "POST", "/persona/check", {"yaml": "id: x\nname: Иван\nphases: 3\n"}
    )
    assert status == 200
    assert body["ok"] is False
    assert any(p["line"] == 3 and p["field"] == "phases" for p in body["problems"])
    text = (ROOT / "layers/common/vclient/personas/car_buyer.yaml").read_text(encoding="utf-8")
    status, body = request(console, "POST", "/persona/check", {"yaml": text})
    assert (status, body["ok"], body["id"]) == (200, True, "car_buyer")


class _Session(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.received.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


@pytest.fixture
def session_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Session)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Session.received = []
    yield f"http://127.0.0.1:{server.server_address[1]}/session/1"
    server.shutdown()


def _store_call(aws: Any, **fields: Any) -> None:
    from vclient.dal.calls_table import to_item

    item = {
        "pk": CALL_ID,
        "sk": "CALL",
        "call_id": CALL_ID,
        "status": "connected",
        "engine": "dialog",
        "rule": {"rule_name": "voice_dialog"},
        "rule_label": "voice_dialog",
        "to": "+79161234567",
        "caller_id": "+74950000000",
        "created_at": "2026-12-03T05:00:00.000+00:00",
        "updated_at": "2026-12-03T05:00:00.000+00:00",
        "expires_at": 1_900_000_000,
        "token_expires_at": 1_900_000_000,
        **fields,
    }
    aws.clients["dynamodb"].put_item(TableName=aws.done.names["CallsTable"], Item=to_item(item))


def test_finish_posts_the_hangup_to_the_session_and_refuses_what_cannot_end(
    console: ModuleType, aws: Any, session_url: str
) -> None:
    params = {"call_id": CALL_ID}
    status, body = request(console, "POST", f"/call/{CALL_ID}/hangup", {}, params=params)
    assert (status, body["code"]) == (404, "not_found")
    _store_call(aws, status="dialing")
    status, body = request(console, "POST", f"/call/{CALL_ID}/hangup", {}, params=params)
    assert (status, body["code"]) == (409, "conflict")  # no session yet
    _store_call(aws, vox_media_session_access_url=session_url)
    status, body = request(
        console, "POST", f"/call/{CALL_ID}/hangup", {}, params=params, groups="viewer"
    )
    assert (status, body["code"]) == (403, "role_forbidden")
    assert _Session.received == []
    status, body = request(console, "POST", f"/call/{CALL_ID}/hangup", {}, params=params)
    assert (status, body) == (202, {"call_id": CALL_ID, "stopping": True})
    assert [json.loads(r) for r in _Session.received] == [{"action": "hangup", "call_id": CALL_ID}]
    assert session_url not in json.dumps(body)
    _store_call(aws, status="completed", vox_media_session_access_url=session_url)
    status, body = request(console, "POST", f"/call/{CALL_ID}/hangup", {}, params=params)
    assert (status, body["code"], body["status"]) == (409, "conflict", "completed")


def test_the_page_names_its_assets_under_the_stage_and_forbids_other_origins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    web = import_console("web", {}, monkeypatch)
    event = {"path": "/console", "requestContext": {"path": "/prod/console"}}
    page = web.handler(event, None)
    assert page["statusCode"] == 200
    assert f'src="/prod/console/assets/app.js?v={web.VERSION}"' in page["body"]
    assert "default-src 'self'" in page["headers"]["Content-Security-Policy"]
    asset = web.handler(
        {"path": "/console/assets/app.css", "pathParameters": {"file": "app.css"}}, None
    )
    assert asset["headers"]["Content-Type"].startswith("text/css")
    assert "immutable" in asset["headers"]["Cache-Control"]
    missing = web.handler({"pathParameters": {"file": "../web.py"}}, None)
    assert missing["statusCode"] == 404
