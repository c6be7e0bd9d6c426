"""A local stand-in for the two OpenAI HTTP endpoints the backend calls (dev and tests only).

- ``POST /v1/chat/completions``: answers a structured-output request with a valid ``LLMTurn``
  JSON after a fixed delay (the benchmark's "LLM stubbed at a fixed delay"). The reply is a
  fixed short acknowledgement; it never claims a topic was answered.
- ``POST /v1/realtime/client_secrets``: returns an ``ek_…`` value and echoes the session.
- The verdict's judge (a chat completion whose ``json_schema`` is ``operator_verdict``): a
  verdict in that schema, every item ``yes`` quoting the transcript's first operator line
  exactly, with its turn (``judge: "valid"``); ``"malformed"``: not JSON; ``"invented"``: a quote
  nobody said. Simulated, of course: it reads nothing but the prompt's transcript lines.
- ``GET /_requests`` lists what was received (bodies included), ``DELETE /_requests`` clears;
  ``POST /_config`` sets ``{"delay_ms", "fail_status", "malformed", "judge"}``.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class FakeOpenAI:
    host: str = "127.0.0.1"
    port: int = 0
    delay_ms: int = 0
    fail_status: int | None = None
    malformed: bool = False
    judge: str = "valid"
    requests: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer((self.host, self.port), self._handler_class())
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def start(self) -> FakeOpenAI:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def count(self, path_suffix: str) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r["path"].endswith(path_suffix))

    def _verdict(self, body: dict[str, Any]) -> str:
        schema = body["response_format"]["json_schema"]["schema"]
        ids = schema["properties"]["items"]["items"]["properties"]["id"]["enum"]
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        first = re.search(r"^\[turn (\d+)\] Оператор: (.+)$", user, re.MULTILINE)
        quote = {"turn": int(first.group(1)), "text": first.group(2)} if first else None
        if self.judge == "invented" and quote:
            quote = {**quote, "text": "Этого оператор никогда не говорил."}
        verdict = {
            "items": [
                {
                    "id": item_id,
                    "status": "yes" if quote else "na",
                    "quotes": [quote] if quote else [],
                    "comment": "simulated judge",
                }
                for item_id in ids
            ],
            "signals": [],
            "recommendations": ["Simulated: keep answering with figures and dates."],
        }
        return (
            '{"items": [' if self.judge == "malformed" else json.dumps(verdict, ensure_ascii=False)
        )

    def _chat(self, body: dict[str, Any]) -> dict[str, Any]:
        response_format = body.get("response_format") or {}
        if (response_format.get("json_schema") or {}).get("name") == "operator_verdict":
            return self._completion(body, self._verdict(body))
        content: dict[str, Any] = {
            "reply": "Понятно, спасибо.",
            "answered_topics": [],
            "asked_topic": None,
            "operator_intent": "none",
            "triggered_reactions": [],
            "hang_up": False,
            "mood": "calm",
        }
        text = json.dumps(content, ensure_ascii=False)
        if self.malformed:
            text = '{"reply": '
        return self._completion(body, text)

    def _completion(self, body: dict[str, Any], text: str) -> dict[str, Any]:
        return {
            "id": "chatcmpl-local",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "fake"),
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": text, "refusal": None},
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                with fake._lock:
                    self._json(200, list(fake.requests))

            def do_DELETE(self) -> None:
                with fake._lock:
                    fake.requests.clear()
                self._json(200, {"ok": True})

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.loads(raw or b"{}")
                if self.path == "/_config":
                    for key in ("delay_ms", "fail_status", "malformed", "judge"):
                        if key in body:
                            setattr(fake, key, body[key])
                    self._json(200, {"ok": True})
                    return
                with fake._lock:
                    fake.requests.append(
                        {
                            "path": self.path,
                            "body": body,
                            "authorization": bool(self.headers.get("Authorization")),
                            "received_at": time.time(),
                        }
                    )
                if fake.delay_ms:
                    time.sleep(fake.delay_ms / 1000)
                if fake.fail_status:
                    self._json(fake.fail_status, {"error": {"message": "injected", "type": "x"}})
                elif self.path.endswith("/chat/completions"):
                    self._json(200, fake._chat(body))
                elif self.path.endswith("/realtime/client_secrets"):
                    self._json(
                        200,
                        {
                            "value": "ek_" + secrets.token_hex(12),
                            "expires_at": int(time.time())
                            + int(body.get("expires_after", {}).get("seconds", 600)),
                            "session": body.get("session", {}),
                        },
                    )
                else:
                    self._json(404, {"error": {"message": "not found", "type": "x"}})

            def _json(self, status: int, value: Any) -> None:
                payload = json.dumps(value, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler
