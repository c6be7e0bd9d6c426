"""A local fake of the Voximplant Management HTTP API: checks auth, records every request.

- ``POST /platform_api/<Cmd>`` (or ``/platform_api`` with a ``cmd`` form field), form-encoded,
  answered as Voximplant does: HTTP 200 with ``{"result": ...}`` or ``{"error": {code, msg}}``.
- Auth: ``Authorization: Bearer <JWT>`` verified with the service account's public key (RS256,
  header ``kid`` = key id, ``iss`` = account id, ``exp`` at most an hour after ``iat``), or the
  deprecated ``account_id`` + ``api_key`` form fields. Anything else: error 100.
- ``StartScenarios`` knows the rules registered with it; an unknown rule gives Voximplant's codes.
  Each accepted start calls ``on_start`` (the local stack hooks the VoxEngine emulator there).
- Test hooks: ``GET /_requests`` (every request, secrets masked), ``DELETE /_requests``,
  ``POST /_faults`` (queue error / HTTP status / delay answers), ``GET|POST /_rules``,
  ``POST /_operator`` (the simulated operator and emulator config for the next started call),
  ``GET /_runs/<call_session_history_id>`` (the emulator's report of that call).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt


@dataclass
class Rule:
    rule_id: int
    rule_name: str
    application_name: str
    scenario_name: str


@dataclass
class Fault:
    """One queued misbehaviour: a Voximplant error, an HTTP status, or a delay before answering."""

    kind: str  # "error" | "http" | "delay"
    code: int = 0
    msg: str = ""
    seconds: float = 0.0
    count: int = 1
    cmd: str | None = None


@dataclass
class FakeVoximplant:
    account_id: int
    key_id: str
    public_key_pem: str
    legacy_api_key: str | None = None
    rules: dict[str, Rule] = field(default_factory=dict)
    on_start: Callable[[dict[str, Any]], str | None] | None = None
    report_for: Callable[[str], dict[str, Any]] | None = None
    host: str = "127.0.0.1"
    port: int = 0

    def __post_init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.operators: list[dict[str, Any]] = []
        self.applications: list[str] = ["vclient"]
        self.scenarios: dict[str, str] = {}
        self.sessions: dict[int, str] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1_000_001)
        self.server = ThreadingHTTPServer((self.host, self.port), self._handler_class())
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add_rule(self, rule_name: str, application_name: str, scenario_name: str) -> Rule:
        with self._lock:
            existing = self.rules.get(rule_name)
            rule = Rule(
                rule_id=existing.rule_id if existing else 5_000 + len(self.rules) + 1,
                rule_name=rule_name,
                application_name=application_name,
                scenario_name=scenario_name,
            )
            self.rules[rule_name] = rule
            return rule

    # -- the API ------------------------------------------------------------------------------

    def handle_api(self, cmd: str, form: dict[str, str], headers: dict[str, str]) -> dict[str, Any]:
        auth, claims, auth_error = self._authenticate(form, headers)
        record = {
            "cmd": cmd,
            "params": {k: ("***" if k == "api_key" else v) for k, v in form.items()},
            "auth": auth,
            "jwt_claims": claims,
            "received_at": time.time(),
        }
        fault = self._take_fault(cmd)
        with self._lock:
            self.requests.append(record)
        if fault and fault.kind == "delay":
            time.sleep(fault.seconds)
        if fault and fault.kind == "http":
            record["answer"] = {"http_status": fault.code}
            return {"__http_status__": fault.code}
        if fault and fault.kind == "error":
            return self._error(record, fault.code, fault.msg or "Injected fault")
        if auth_error:
            return self._error(record, 100, auth_error)
        if cmd == "StartScenarios":
            return self._start_scenarios(record, form)
        if cmd == "GetRules":
            rules = [vars(rule) for rule in self.rules.values()]
            return {"result": rules, "count": len(rules), "total_count": len(rules)}
        if cmd == "GetApplications":
            name = form.get("application_name")
            apps = [a for a in self.applications if name in (None, a)]
            return {"result": [{"application_name": a} for a in apps], "count": len(apps)}
        if cmd == "AddScenario":
            name, script = form.get("scenario_name", ""), form.get("scenario_script", "")
            if not name or len(name) >= 30 or not script:
                return self._error(record, 101, "Invalid scenario_name or scenario_script")
            if name in self.scenarios and form.get("rewrite") != "true":
                return self._error(record, 101, "The scenario exists; pass rewrite=true")
            self.scenarios[name] = script
            return {"result": 1, "scenario_id": 100 + len(self.scenarios)}
        if cmd == "AddRule":
            if form.get("application_name") not in self.applications:
                return self._error(record, 101, "Invalid application_name")
            if not form.get("rule_pattern"):
                return self._error(record, 101, "rule_pattern is required")
            added = self.add_rule(form["rule_name"], form["application_name"], "")
            return {"result": 1, "rule_id": added.rule_id}
        if cmd == "BindScenario":
            bound = self.rules.get(form.get("rule_name", ""))
            scenario = form.get("scenario_name", "")
            if bound is None:
                return self._error(record, 156, "Invalid rule name")
            if scenario not in self.scenarios:
                return self._error(record, 101, "Invalid scenario_name")
            bound.scenario_name = scenario
            return {"result": 1}
        return self._error(record, 101, f"Unknown method {cmd}")

    def _start_scenarios(self, record: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
        rule: Rule | None = None
        if form.get("rule_id"):
            if not form["rule_id"].isdigit():
                return self._error(record, 101, "Invalid argument 'rule_id'")
            rule = next((r for r in self.rules.values() if r.rule_id == int(form["rule_id"])), None)
            if rule is None:
                return self._error(record, 147, "Invalid rule_id")
        elif form.get("rule_name"):
            if not (form.get("application_name") or form.get("application_id")):
                return self._error(record, 101, "application_id or application_name is required")
            rule = self.rules.get(form["rule_name"])
            if rule is None or (
                form.get("application_name") and form["application_name"] != rule.application_name
            ):
                return self._error(record, 156, "Invalid rule name")
        else:
            return self._error(record, 101, "rule_id is required")
        history_id = next(self._ids)
        access = f"{self.url}/session/{history_id}"
        answer = {
            "result": 1,
            "media_session_access_url": access,
            "media_session_access_secure_url": access,
            "call_session_history_id": history_id,
        }
        record["answer"] = answer
        record["rule"] = vars(rule)
        if self.on_start:
            with self._lock:
                spec = self.operators.pop(0) if self.operators else {}
            session = self.on_start(
                {
                    "rule": rule,
                    "custom_data": form.get("script_custom_data", ""),
                    "call_session_history_id": history_id,
                    "operator": spec.get("operator"),
                    "config": spec.get("config"),
                }
            )
            if session:
                record["emulator_session"] = session
                self.sessions[history_id] = session
        return answer

    def push_operator(
        self, operator: dict[str, Any] | None, config: dict[str, Any] | None = None
    ) -> None:
        """The simulated operator (and emulator config) for the next started call."""
        with self._lock:
            self.operators.append({"operator": operator, "config": config})

    def _authenticate(
        self, form: dict[str, str], headers: dict[str, str]
    ) -> tuple[str | None, dict[str, Any] | None, str | None]:
        bearer = headers.get("authorization", "")
        if bearer.startswith("Bearer "):
            token = bearer.removeprefix("Bearer ")
            try:
                header = jwt.get_unverified_header(token)
                claims = jwt.decode(
                    token,
                    self.public_key_pem,
                    algorithms=["RS256"],
                    options={"require": ["iss", "iat", "exp"]},
                )
            except jwt.PyJWTError as exc:
                return "jwt", None, f"Authorization failed: {type(exc).__name__}"
            if header.get("kid") != self.key_id:
                return "jwt", claims, "Authorization failed: unknown key id"
            if str(claims["iss"]) != str(self.account_id):
                return "jwt", claims, "Authorization failed: iss is not the account id"
            if claims["exp"] - claims["iat"] > 3600:
                return "jwt", claims, "Authorization failed: token lifetime over 3600 s"
            return "jwt", claims, None
        if form.get("api_key"):
            ok = (
                self.legacy_api_key is not None
                and form.get("account_id") == str(self.account_id)
                and form["api_key"] == self.legacy_api_key
            )
            return "legacy", None, None if ok else "Authorization failed"
        return None, None, "Authorization failed: no credentials"

    def _take_fault(self, cmd: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.cmd in (None, cmd):
                    fault.count -= 1
                    if fault.count <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    @staticmethod
    def _error(record: dict[str, Any], code: int, msg: str) -> dict[str, Any]:
        answer = {"error": {"code": code, "msg": msg}}
        record["answer"] = answer
        return answer

    # -- HTTP ---------------------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if path == "/_requests":
                    with fake._lock:
                        self._json(200, list(fake.requests))
                elif path == "/_rules":
                    self._json(200, [vars(r) for r in fake.rules.values()])
                elif path.startswith("/_runs/") and path.removeprefix("/_runs/").isdigit():
                    session = fake.sessions.get(int(path.removeprefix("/_runs/")))
                    if session is None or fake.report_for is None:
                        self._json(404, {"error": "no emulated run for that call"})
                    else:
                        self._json(200, fake.report_for(session))
                else:
                    self._json(404, {"error": "not found"})

            def do_DELETE(self) -> None:
                if urlsplit(self.path).path == "/_requests":
                    with fake._lock:
                        fake.requests.clear()
                        fake.faults.clear()
                    self._json(200, {"ok": True})
                else:
                    self._json(404, {"error": "not found"})

            def do_POST(self) -> None:
                path = urlsplit(self.path).path
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if path == "/_faults":
                    spec = json.loads(body or b"{}")
                    with fake._lock:
                        fake.faults.append(Fault(**spec))
                    self._json(200, {"ok": True})
                    return
                if path == "/_operator":
                    spec = json.loads(body or b"{}")
                    fake.push_operator(spec.get("operator"), spec.get("config"))
                    self._json(200, {"ok": True})
                    return
                if path == "/_rules":
                    spec = json.loads(body or b"{}")
                    rule = fake.add_rule(
                        spec["rule_name"], spec["application_name"], spec["scenario_name"]
                    )
                    self._json(200, vars(rule))
                    return
                if not path.startswith("/platform_api"):
                    self._json(404, {"error": "not found"})
                    return
                form = {
                    k: v[-1] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()
                }
                cmd = path.removeprefix("/platform_api").strip("/") or form.pop("cmd", "")
                headers = {k.lower(): v for k, v in self.headers.items()}
                answer = fake.handle_api(cmd, form, headers)
                status = answer.pop("__http_status__", 200)
                if status != 200:
                    self._json(status, {"error": {"code": 0, "msg": f"HTTP {status}"}})
                else:
                    self._json(200, answer)

            def _json(self, status: int, value: Any) -> None:
                payload = json.dumps(value).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler
