"""The local API Gateway adapter answers oversized bodies the way API Gateway does."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

import pytest

from vclient_dev.apigw import MAX_PAYLOAD, LocalApiGateway
from vclient_dev.template import gateway_responses, load_template


@pytest.fixture
def gateway() -> Iterator[LocalApiGateway]:
    gw = LocalApiGateway(
        routes=[],
        functions={},
        api_keys=set(),
        gateway_responses=gateway_responses(load_template()),
        port=0,
    )
    gw.start()
    yield gw
    gw.stop()


def test_an_11_mb_body_is_413_in_the_projects_error_shape(gateway: Any) -> None:
    # Given a body over API Gateway's 10 MB limit
    body = b'{"to": "' + b"x" * (11 * 1024 * 1024) + b'"}'
    assert len(body) > MAX_PAYLOAD
    host, port = gateway.server.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=30)
    # When it is posted whole
    connection.request("POST", "/call", body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    # Then the answer arrives (no connection reset) as {code, message}
    payload = json.loads(response.read())
    connection.close()
    assert response.status == 413
    assert payload["code"] == "payload_too_large"
    assert payload["message"]


def test_an_unset_gateway_response_falls_back_to_default_4xx(gateway: Any) -> None:
    status, text = gateway.gateway_response("BAD_REQUEST_BODY", 400, "Invalid Content-Length")
    assert status == 400
    assert json.loads(text) == {"code": "gateway_error", "message": "Invalid Content-Length"}
