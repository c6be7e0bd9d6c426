"""A local stand-in for API Gateway (REST API v1): serves the real handlers from template.yaml.

- Routes, methods and API-key requirements come from the functions' ``Api`` events.
- Each request becomes a REST v1 proxy event (path parameters, multi-value headers and query,
  ``requestContext`` with stage, domain and identity) passed to the handler with a Lambda context.
- A missing or wrong ``x-api-key`` gets the template's INVALID_API_KEY gateway response; a route
  naming an authorizer (the console's Cognito one) has its ``Authorization`` token checked by
  the given verifier: its claims go in ``requestContext.authorizer.claims``, or UNAUTHORIZED's
  401 answers; an unknown route gets MISSING_AUTHENTICATION_TOKEN's; a handler crash gets
  DEFAULT_5XX's 502.
- Like Lambda, one handler instance serves one request at a time; concurrent requests get
  further instances ("containers"), each a fresh import of the function's module.
"""

from __future__ import annotations

import gc
import importlib.util
import json
import os
import queue
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from vclient_dev.template import Route

MAX_PAYLOAD = 10 * 1024 * 1024  # API Gateway's own limit
#: An oversized body is read away up to this much before the 413; beyond, the socket closes.
MAX_DRAIN = 64 * 1024 * 1024
STAGE = "local"


@dataclass
class LambdaContext:
    function_name: str
    memory_limit_in_mb: int = 512
    timeout_s: int = 20
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    invoked_function_arn: str = ""
    log_group_name: str = ""
    log_stream_name: str = "local"
    function_version: str = "$LATEST"
    _deadline: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_s
        self.invoked_function_arn = (
            f"arn:aws:lambda:us-east-1:123456789012:function:{self.function_name}"
        )
        self.log_group_name = f"/aws/lambda/{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass
class FunctionSpec:
    """One Lambda function: where its code is, its handler and its environment."""

    name: str
    code_dir: Path
    handler: str
    env: dict[str, str]
    timeout_s: int = 20
    memory_mb: int = 512


class FunctionPool:
    """Handler instances of one function; each serves one request at a time."""

    def __init__(self, spec: FunctionSpec, max_instances: int = 8) -> None:
        self.spec = spec
        self._idle: queue.LifoQueue[Callable[..., Any]] = queue.LifoQueue()
        self._count = 0
        self._max = max_instances
        self._lock = threading.Lock()
        self.cold_starts = 0

    def invoke(self, event: dict[str, Any]) -> Any:
        handler = self._acquire()
        try:
            context = LambdaContext(
                function_name=self.spec.name,
                memory_limit_in_mb=self.spec.memory_mb,
                timeout_s=self.spec.timeout_s,
            )
            return handler(event, context)
        finally:
            self._idle.put(handler)

    def _acquire(self) -> Callable[..., Any]:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._count < self._max:
                self._count += 1
                return self._load()
        return self._idle.get()

    def _load(self) -> Callable[..., Any]:
        module_name, _, attr = self.spec.handler.rpartition(".")
        path = self.spec.code_dir / f"{module_name.replace('.', '/')}.py"
        unique = f"_fn_{self.spec.name}_{self._count}"
        with _environment(self.spec.env):
            spec = importlib.util.spec_from_file_location(unique, path)
            assert spec and spec.loader
            module: ModuleType = importlib.util.module_from_spec(spec)
            sys.modules[unique] = module
            spec.loader.exec_module(module)
        # The handler froze everything alive after its cold start (gc.freeze): right for a
        # container, but this process hosts many cold starts and the calls' garbage with them.
        gc.unfreeze()
        self.cold_starts += 1
        return getattr(module, attr)


_env_lock = threading.Lock()


class _environment:
    """Applies a function's environment while its module is imported (settings read it then)."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env
        self._saved: dict[str, str | None] = {}

    def __enter__(self) -> None:
        _env_lock.acquire()
        for key, value in self._env.items():
            self._saved[key] = os.environ.get(key)
            os.environ[key] = value

    def __exit__(self, *exc: object) -> None:
        for key, value in self._saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        _env_lock.release()


class LocalApiGateway:
    def __init__(
        self,
        routes: list[Route],
        functions: Mapping[str, FunctionSpec],
        api_keys: set[str],
        gateway_responses: Mapping[str, Mapping[str, Any]],
        host: str = "127.0.0.1",
        port: int = 3000,
        authorizers: Mapping[str, Callable[[str | None], dict[str, str]]] | None = None,
    ) -> None:
        self.routes = routes
        #: Authorizer name → verifier: the Authorization header → claims, or raises to refuse.
        self.authorizers = dict(authorizers or {})
        self.pools = {name: FunctionPool(spec) for name, spec in functions.items()}
        self.api_keys = api_keys
        self.responses = gateway_responses
        self.server = ThreadingHTTPServer((host, port), self._handler_class())
        self.server.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def gateway_response(self, kind: str, default_status: int, message: str) -> tuple[int, str]:
        """The template's response for ``kind``; like API Gateway, a type the template does not
        set falls back to its DEFAULT_4XX or DEFAULT_5XX."""
        fallback = "DEFAULT_5XX" if default_status >= 500 else "DEFAULT_4XX"
        spec = self.responses.get(kind) or self.responses.get(fallback) or {}
        status = int(spec.get("status") or default_status)
        body = spec.get("body")
        if body:
            body = body.replace("$context.error.messageString", json.dumps(message))
        else:
            body = json.dumps({"message": message})
        return status, body

    def dispatch(
        self, method: str, raw_path: str, headers: Mapping[str, str], body: bytes, source_ip: str
    ) -> tuple[int, dict[str, str], bytes]:
        split = urlsplit(raw_path)
        path = split.path or "/"
        route, params = self._match(method, path)
        if route is None:
            status, text = self.gateway_response(
                "MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token"
            )
            return status, {"Content-Type": "application/json"}, text.encode()
        lowered = {k.lower(): v for k, v in headers.items()}
        api_key = lowered.get("x-api-key")
        if route.api_key_required and api_key not in self.api_keys:
            status, text = self.gateway_response("INVALID_API_KEY", 403, "Forbidden")
            return status, {"Content-Type": "application/json"}, text.encode()
        claims: dict[str, str] | None = None
        if route.authorizer:
            verify = self.authorizers.get(route.authorizer)
            try:
                if verify is None:
                    raise LookupError(f"no local verifier for authorizer {route.authorizer}")
                claims = verify(lowered.get("authorization"))
            except Exception:
                status, text = self.gateway_response("UNAUTHORIZED", 401, "Unauthorized")
                return status, {"Content-Type": "application/json"}, text.encode()
        event = self._event(route, method, path, split.query, headers, body, params, source_ip)
        event["requestContext"]["identity"]["apiKey"] = api_key if route.api_key_required else None
        if claims is not None:
            event["requestContext"]["authorizer"] = {"claims": claims}
        try:
            result = self.pools[route.function].invoke(event)
        except Exception:
            traceback.print_exc()
            status, text = self.gateway_response("DEFAULT_5XX", 502, "Internal server error")
            return status, {"Content-Type": "application/json"}, text.encode()
        return _proxy_result(result)

    def _match(self, method: str, path: str) -> tuple[Route | None, dict[str, str]]:
        for route in self.routes:
            found = route.pattern.match(path)
            if found and route.method in (method, "ANY"):
                return route, found.groupdict()
        return None, {}

    def _event(
        self,
        route: Route,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
        params: dict[str, str],
        source_ip: str,
    ) -> dict[str, Any]:
        multi_headers: dict[str, list[str]] = {}
        for key, value in headers.items():
            multi_headers.setdefault(key, []).append(value)
        single_headers = {k: v[-1] for k, v in multi_headers.items()}
        single_headers.setdefault("X-Forwarded-Proto", "http")
        multi_headers.setdefault("X-Forwarded-Proto", ["http"])
        multi_query = parse_qs(query, keep_blank_values=True) if query else {}
        try:
            text = body.decode()
            base64_encoded = False
        except UnicodeDecodeError:
            import base64

            text = base64.b64encode(body).decode()
            base64_encoded = True
        host = single_headers.get("Host") or single_headers.get("host") or self.url[7:]
        now = time.time()
        return {
            "resource": route.path,
            "path": path,
            "httpMethod": method,
            "headers": single_headers,
            "multiValueHeaders": multi_headers,
            "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": params or None,
            "stageVariables": None,
            "requestContext": {
                "resourceId": "local",
                "resourcePath": route.path,
                "httpMethod": method,
                "path": path,
                "stage": STAGE,
                "domainName": host,
                "apiId": "local",
                "accountId": "123456789012",
                "protocol": "HTTP/1.1",
                "requestId": str(uuid.uuid4()),
                "requestTimeEpoch": int(now * 1000),
                "identity": {"sourceIp": source_ip, "userAgent": single_headers.get("User-Agent")},
            },
            "body": text if body else None,
            "isBase64Encoded": base64_encoded,
        }

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                if os.environ.get("VCLIENT_ACCESS_LOG"):
                    super().log_message(format, *args)

            def _serve(self) -> None:
                try:
                    length = int(self.headers.get("Content-Length") or 0)
                except ValueError:
                    length = -1
                if length < 0:
                    self.close_connection = True
                    self._gateway_error("BAD_REQUEST_BODY", 400, "Invalid Content-Length")
                    return
                if length > MAX_PAYLOAD:
                    # Read the body away before answering: a client still sending would
                    # otherwise get a connection reset instead of the answer.
                    self._drain(length)
                    self.close_connection = True
                    self._gateway_error("REQUEST_TOO_LARGE", 413, "Request Too Long")
                    return
                body = self.rfile.read(length) if length else b""
                status, headers, payload = gateway.dispatch(
                    self.command,
                    self.path,
                    dict(self.headers.items()),
                    body,
                    self.client_address[0],
                )
                self._send(status, headers, payload)

            def _drain(self, length: int) -> None:
                left = min(length, MAX_DRAIN)
                while left > 0:
                    chunk = self.rfile.read(min(left, 1 << 16))
                    if not chunk:
                        return
                    left -= len(chunk)

            def _gateway_error(self, kind: str, status: int, message: str) -> None:
                status, text = gateway.gateway_response(kind, status, message)
                headers = {"Content-Type": "application/json", "Connection": "close"}
                self._send(status, headers, text.encode())

            def _send(self, status: int, headers: Mapping[str, str], payload: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    if key.lower() != "content-length":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve

        return Handler


def _proxy_result(result: Any) -> tuple[int, dict[str, str], bytes]:
    if not isinstance(result, dict) or "statusCode" not in result:
        return 502, {"Content-Type": "application/json"}, b'{"message":"Internal server error"}'
    headers = dict(result.get("headers") or {})
    for key, values in (result.get("multiValueHeaders") or {}).items():
        headers[key] = ", ".join(values)
    body = result.get("body") or ""
    if result.get("isBase64Encoded"):
        import base64

        payload = base64.b64decode(body)
    else:
        payload = body.encode()
    return int(result["statusCode"]), headers, payload
