"""Request bodies are strict JSON and error bodies never echo what JSON cannot hold (pure)."""

from __future__ import annotations

import json
import math

import pytest
from pydantic import BaseModel

from vclient.errors import InvalidJson, ValidationFailed
from vclient.web import INTERNAL_ERROR, Response, Router, json_response, parse_body, strict


class Body(BaseModel):
    seq: int
    type: str = "dialing"


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_nan_and_infinity_are_not_json(number: str) -> None:
    with pytest.raises(InvalidJson):
        parse_body(f'{{"seq": {number}}}', Body)


@pytest.mark.parametrize("body", ['{"seq": 1, "type": "\\ud800"}', '{"seq": "\\ud800"}'])
def test_a_lone_surrogate_is_refused_naming_its_field(body: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_body(body, Body)
    assert caught.value.details["field"] in ("type", "seq")
    json.dumps(caught.value.body(), allow_nan=False).encode()  # strict and encodable


def test_a_surrogate_pair_is_ordinary_text() -> None:
    assert parse_body('{"seq": 1, "type": "\\ud83d\\ude00"}', Body).type == "😀"


def test_strict_makes_any_error_body_encodable() -> None:
    value = strict({"a": "\ud800", "b": [math.nan, 1.5], "\udc00": math.inf})
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    text.encode()
    assert value["b"] == [None, 1.5]


# The router (vclient.web.Router) the API functions share, exercised with proxy events.


def _event(method: str, path: str, **extra: object) -> dict[str, object]:
    return {"httpMethod": method, "path": path, "headers": {}, "body": None, **extra}


def _router() -> Router:
    app = Router(strip_prefixes=["/console/api"])

    @app.get("/call/<call_id>")
    def get_call(call_id: str) -> Response:
        return json_response(200, {"call_id": call_id, "seen": app.context.get("seen")})

    @app.post("/batches/<batch_id>/<action>")
    def act(batch_id: str, action: str) -> Response:
        auth = app.current_event.headers.get("authorization")
        return json_response(200, {"batch": batch_id, "action": action, "auth": auth})

    @app.get("/boom")
    def boom() -> Response:
        raise KeyError("internal detail")

    @app.get("/refused")
    def refused() -> Response:
        raise ValidationFailed("seq: bad", field="seq")

    @app.get("/nan")
    def nan() -> Response:
        return json_response(200, {"x": math.nan})

    return app


def _body(result: dict[str, object]) -> dict[str, object]:
    assert result["headers"]["Content-Type"] == "application/json"  # type: ignore[index]
    assert result["isBase64Encoded"] is False
    return json.loads(str(result["body"]))


def test_a_route_gets_its_path_parameters_by_name_with_or_without_the_console_prefix() -> None:
    app = _router()
    for path in ("/batches/b1/pause", "/console/api/batches/b1/pause"):
        result = app.resolve(_event("POST", path, headers={"Authorization": "Bearer x"}))
        assert result["statusCode"] == 200
        assert _body(result) == {"batch": "b1", "action": "pause", "auth": "Bearer x"}


def test_context_is_per_request() -> None:
    app = _router()
    app.append_context(seen="yes")
    assert _body(app.resolve(_event("GET", "/call/abc")))["seen"] == "yes"
    assert _body(app.resolve(_event("GET", "/call/abc")))["seen"] is None
    with pytest.raises(RuntimeError):
        _ = app.current_event  # only while a request is resolved


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/nowhere"),
        ("DELETE", "/call/abc"),  # a known path, another method
        ("GET", "/call/abc/extra"),
        ("GET", "/call/"),  # an empty parameter
        ("GET", "/console/apicall/abc"),  # a prefix is stripped only at a segment boundary
    ],
)
def test_an_unknown_route_is_a_404_in_the_error_shape(method: str, path: str) -> None:
    result = _router().resolve(_event(method, path))
    assert (result["statusCode"], _body(result)["code"]) == (404, "route_not_found")


def test_an_api_error_leaves_as_its_status_and_body() -> None:
    result = _router().resolve(_event("GET", "/refused"))
    assert result["statusCode"] == 422
    assert _body(result)["field"] == "seq"


@pytest.mark.parametrize("path", ["/boom", "/nan"])
def test_anything_else_is_a_fixed_500_that_echoes_nothing(path: str) -> None:
    result = _router().resolve(_event("GET", path))
    assert result["statusCode"] == 500
    assert _body(result) == INTERNAL_ERROR
    assert "internal detail" not in str(result["body"])
