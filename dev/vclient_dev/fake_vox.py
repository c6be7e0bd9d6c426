"""A local fake of the Voximplant Management HTTP API: strict where the reference is, recording all.

- ``POST /platform_api/<Cmd>`` (or ``/platform_api`` with a ``cmd`` form field), form-encoded,
  answered as Voximplant does: HTTP 200 with ``{"result": ...}`` or ``{"error": {code, msg}}``.
- Auth: ``Authorization: Bearer <JWT>`` verified with the service account's public key (RS256,
  header ``kid`` = key id, ``iss`` = account id, ``exp`` at most an hour after ``iat``; ±60 s of
  clock skew tolerated, more rejected; ``clock_offset_s`` moves the fake's clock), or the
  deprecated ``account_id`` + ``api_key`` form fields. Anything else: error 100.
- Applications have full names (``<app>.<account>.voximplant.com``) and ids; writes take
  ``application_id`` or a name (short names are accepted too: unconfirmed on the real server).
- ``AddScenario`` (in an application, or the Shared folder without one), ``GetScenarios``
  (the script only with ``scenario_id`` + ``with_script``), ``SetScenarioInfo``; ``AddRule``
  needs a scenario (``scenario_id`` or ``scenario_name``, ``;``-separated lists) as the
  reference says; ``BindScenario`` binds an ordered list (the scenario and the rule in the same
  application) or unbinds with ``bind=false``; ``GetRules`` with ``with_scenarios``.
- ``StartScenarios`` by ``rule_id`` is the normal path; by ``rule_name`` + application it works
  unless ``accept_rule_name`` is off (the reference documents only ``rule_id``). Each accepted
  start calls ``on_start`` (the local stack hooks the VoxEngine emulator there).
- ``GetSecrets`` / ``AddSecret`` / ``SetSecretInfo`` (parameter names unconfirmed: see
  docs/voximplant.md), ``GetPhoneNumbers``, ``GetCallerIDs`` for the doctor.
- Test hooks: ``GET /_requests`` (every request, secrets masked), ``DELETE /_requests``,
  ``POST /_faults`` (queue error / HTTP status / delay answers), ``GET|POST /_rules``,
  ``POST /_switches`` (``accept_rule_name``, ``clock_offset_s``), ``POST /_operator`` (the
  simulated operator and emulator config for the next started call),
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

#: Clock skew the fake tolerates on ``iat``/``exp`` (seconds).
JWT_LEEWAY_S = 60
#: Form fields never recorded in clear.
MASKED = frozenset({"api_key", "secret_value"})


@dataclass
class Application:
    application_id: int
    application_name: str  # the full name: <app>.<account>.voximplant.com

    @property
    def short_name(self) -> str:
        return self.application_name.split(".", 1)[0]


@dataclass
class Scenario:
    scenario_id: int
    scenario_name: str
    script: str
    application_id: int | None  # None: the Shared folder


@dataclass
class Rule:
    rule_id: int
    rule_name: str
    application_id: int
    application_name: str
    rule_pattern: str
    bound: list[Scenario] = field(default_factory=list)

    @property
    def scenario_names(self) -> list[str]:
        """The bound scenarios in order (they run in one space, in this order)."""
        return [s.scenario_name for s in self.bound]

    @property
    def scenario_name(self) -> str:
        """The last bound scenario: the engine's own one (shared code is bound before it)."""
        return self.bound[-1].scenario_name if self.bound else ""

    def view(self, *, with_scenarios: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule_id": self.rule_id,
            "rule_name": self.rule_name,
            "rule_pattern": self.rule_pattern,
            "application_id": self.application_id,
            "application_name": self.application_name,
        }
        if with_scenarios:
            out["scenarios"] = [
                {"scenario_id": s.scenario_id, "scenario_name": s.scenario_name} for s in self.bound
            ]
        return out


@dataclass
class Fault:
    """One queued misbehaviour: a Voximplant error, an HTTP status, or a delay before answering."""

    kind: str  # "error" | "http" | "delay"
    code: int = 0
    msg: str = ""
    seconds: float = 0.0
    count: int = 1
    cmd: str | None = None


class _Refused(Exception):
    def __init__(self, code: int, msg: str) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg


@dataclass
class FakeVoximplant:
    account_id: int
    key_id: str
    public_key_pem: str
    legacy_api_key: str | None = None
    account_name: str = "local"
    rules: dict[str, Rule] = field(default_factory=dict)
    on_start: Callable[[dict[str, Any]], str | None] | None = None
    report_for: Callable[[str], dict[str, Any]] | None = None
    #: Delivers a request to a started call's access URL to its emulated session
    #: (emulator session id, path below the URL, body) → (status, body): AppEvents.HttpRequest.
    session_request: Callable[[str, str, bytes], tuple[int, bytes]] | None = None
    host: str = "127.0.0.1"
    port: int = 0
    #: StartScenarios by rule_name (+ application) is accepted; off = only rule_id works.
    accept_rule_name: bool = True
    #: Seconds the fake's clock runs ahead of (positive) or behind the caller's.
    clock_offset_s: float = 0.0

    def __post_init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.operators: list[dict[str, Any]] = []
        self.applications: list[Application] = []
        self.scenarios: dict[str, Scenario] = {}
        self.secrets: dict[tuple[int, str], tuple[int, str]] = {}
        self.phone_numbers: list[str] = []
        self.caller_ids: list[str] = []
        self.sessions: dict[int, str] = {}
        self._lock = threading.RLock()
        self._pending_start: dict[str, Any] | None = None
        self._ids = itertools.count(1_000_001)
        self._object_ids = itertools.count(101)
        self.add_application("vclient")
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

    # -- state helpers (tests and the local stack) ----------------------------------------------

    def add_application(self, short_name: str) -> Application:
        with self._lock:
            full = f"{short_name}.{self.account_name}.voximplant.com"
            for app in self.applications:
                if app.application_name == full:
                    return app
            app = Application(next(self._object_ids), full)
            self.applications.append(app)
            return app

    def add_rule(
        self, rule_name: str, application_name: str, scenario_name: str | list[str]
    ) -> Rule:
        """Registers (or replaces) a rule bound to the named scenarios, creating empty ones."""
        with self._lock:
            app = self._find_app(application_name) or self.add_application(
                application_name.split(".", 1)[0]
            )
            names = [scenario_name] if isinstance(scenario_name, str) else list(scenario_name)
            bound = []
            for name in names:
                scenario = self.scenarios.get(name)
                if scenario is None:
                    scenario = Scenario(next(self._object_ids), name, "", app.application_id)
                    self.scenarios[name] = scenario
                bound.append(scenario)
            existing = self.rules.get(rule_name)
            rule = Rule(
                rule_id=existing.rule_id if existing else 5_000 + len(self.rules) + 1,
                rule_name=rule_name,
                application_id=app.application_id,
                application_name=app.application_name,
                rule_pattern=existing.rule_pattern if existing else ".*",
                bound=bound,
            )
            self.rules[rule_name] = rule
            return rule

    def _find_app(
        self, name: str | None = None, app_id: str | int | None = None
    ) -> Application | None:
        for app in self.applications:
            if app_id not in (None, "") and str(app.application_id) == str(app_id):
                return app
            if name and name in (app.application_name, app.short_name):
                return app
        return None

    def _app_of(self, form: dict[str, str], *, required: bool = True) -> Application | None:
        if form.get("application_id") or form.get("application_name"):
            app = self._find_app(form.get("application_name"), form.get("application_id"))
            if app is None:
                raise _Refused(101, "Invalid application_id or application_name")
            return app
        if required:
            raise _Refused(101, "application_id or application_name is required")
        return None

    def _scenarios_named(self, form: dict[str, str]) -> list[Scenario]:
        """The scenarios a ``scenario_id`` or ``scenario_name`` list (``;``-separated) names."""
        if form.get("scenario_id"):
            by_id = {str(s.scenario_id): s for s in self.scenarios.values()}
            found = []
            for part in form["scenario_id"].split(";"):
                if part.strip() not in by_id:
                    raise _Refused(101, f"Invalid scenario_id {part.strip()}")
                found.append(by_id[part.strip()])
            return found
        if form.get("scenario_name"):
            found = []
            for part in form["scenario_name"].split(";"):
                if part.strip() not in self.scenarios:
                    raise _Refused(101, f"Invalid scenario_name {part.strip()}")
                found.append(self.scenarios[part.strip()])
            return found
        return []

    def _rule_of(self, form: dict[str, str], app: Application | None) -> Rule:
        if form.get("rule_id"):
            if not form["rule_id"].isdigit():
                raise _Refused(101, "Invalid argument 'rule_id'")
            rule = next((r for r in self.rules.values() if r.rule_id == int(form["rule_id"])), None)
            if rule is None:
                raise _Refused(147, "Invalid rule_id")
            return rule
        if form.get("rule_name"):
            rule = self.rules.get(form["rule_name"])
            if rule is None or (app is not None and rule.application_id != app.application_id):
                raise _Refused(156, "Invalid rule name")
            return rule
        raise _Refused(101, "rule_id or rule_name is required")

    # -- the API ------------------------------------------------------------------------------

    def handle_api(self, cmd: str, form: dict[str, str], headers: dict[str, str]) -> dict[str, Any]:
        auth, claims, auth_error = self._authenticate(form, headers)
        record = {
            "cmd": cmd,
            "params": {k: ("***" if k in MASKED else v) for k, v in form.items()},
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
        method = getattr(self, f"_api_{cmd}", None)
        if method is None:
            return self._error(record, 101, f"Unknown method {cmd}")
        try:
            with self._lock:
                self._pending_start = None
                answer: dict[str, Any] = method(record, form)
                start, self._pending_start = self._pending_start, None
        except _Refused as exc:
            return self._error(record, exc.code, exc.msg)
        record.setdefault("answer", answer)
        if start is not None:
            self._run_start(record, start)
        return answer

    def _api_GetApplications(self, record: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
        # application_name is "the application name part to filter": a substring match.
        part = form.get("application_name", "")
        apps = [
            {"application_id": a.application_id, "application_name": a.application_name}
            for a in self.applications
            if part in a.application_name
            and form.get("application_id", str(a.application_id)) == str(a.application_id)
        ]
        return {"result": apps, "count": len(apps), "total_count": len(apps)}

    def _api_GetScenarios(self, record: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
        app = self._app_of(form, required=False)
        with_script = form.get("with_script") == "true" and bool(form.get("scenario_id"))
        found = []
        for s in self.scenarios.values():
            if app is not None and s.application_id not in (app.application_id,):
                continue
            if form.get("scenario_id") and str(s.scenario_id) != form["scenario_id"]:
                continue
            if form.get("scenario_name") and s.scenario_name != form["scenario_name"]:
                continue
            item: dict[str, Any] = {"scenario_id": s.scenario_id, "scenario_name": s.scenario_name}
            if with_script:
                item["scenario_script"] = s.script
            found.append(item)
        return {"result": found, "count": len(found), "total_count": len(found)}

    def _api_AddScenario(self, record: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
        name, script = form.get("scenario_name", ""), form.get("scenario_script", "")
        if not name or len(name) >= 30:
            raise _Refused(101, "Invalid scenario_name: the length must be less than 30")
        if len(script.encode()) >= 128 * 1024:
            raise _Refused(101, "Invalid scenario_script: the length must be less than 128 KB")
        app = self._app_of(form, required=False)
        existing = self.scenarios.get(name)
        if existing is not None and form.get("rewrite") != "true":
            raise _Refused(101, "The scenario exists; pass rewrite=true")
        if existing is not None:
            existing.script = script
            existing.application_id = app.application_id if app else None
            return {"result": 1, "scenario_id": existing.scenario_id}
        scenario = Scenario(
            next(self._object_ids), name, script, app.application_id if app else None
        )
        self.scenarios[name] = scenario
        return {"result": 1, "scenario_id": scenario.scenario_id}

    def _api_SetScenarioInfo(self, record: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
        scenario: Scenario | None = None
        if form.get("scenario_id"):
            scenario = next(
                (s for s in self.scenarios.values() if str(s.scenario_id) == form["scenario_id"]),
                None,
            )
        elif form.get("required_scenario_name"):
            scenario = self.scenarios.get(form["required_scenario_name"])
        else:
            raise _Refused(101, "scenario_id or required_scenario_name is required")
        if scenario is None:
            raise _Refused(101, "Invalid scenario_id")
        if "scenario_script" in form:
            if not form["scenario_script"] or len(form["scenario_script"].encode()) >= 128 * 1024:
                raise _Refused(101, "Invalid scenario_script")
            scenario.script = form["scenario_script"]
        if form.get("scenario_name"):
            self.scenarios.pop(scenario.scenario_name, None)
            scenario.scenario_name = form["scenario_name"]
            self.scenarios[scenario.scenario_name] = scenario
        return {"result": 1}

    def _api_GetRules(self, record: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
        app = self._app_of(form, required=False)
        with_scenarios = form.get("with_scenarios") == "true"
        rules = [
            r.view(with_scenarios=with_scenarios)
            for r in self.rules.values()
            if (app is None or r.application_id == app.application_id)
            and form.get("rule_name", r.rule_name) == r.rule_name
            and form.get("rule_id", str(r.rule_id)) == str(r.rule_id)
        ]
        return {"result": rules, "count": len(rules), "total_count": len(rules)}

    def _api_AddRule(self, record: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
        app = self._app_of(form)
        assert app is not None
        if not form.get("rule_name"):
            raise _Refused(101, "rule_name is required")
        if not form.get("rule_pattern"):
            raise _Refused(101, "rule_pattern is required")
        if not (form.get("scenario_id") or form.get("scenario_name")):
            # The reference: scenario_id "Required unless scenario_name is provided".
            raise _Refused(101, "scenario_id or scenario_name is required")
        if form["rule_name"] in self.rules:
            raise _Refused(101, f"The rule {form['rule_name']} already exists")
        bound = self._scenarios_named(form)
        self._same_application(bound, app)
        rule = Rule(
            rule_id=5_000 + len(self.rules) + 1,
            rule_name=form["rule_name"],
            application_id=app.application_id,
            application_name=app.application_name,
            rule_pattern=form["rule_pattern"],
            bound=bound,
        )
        self.rules[rule.rule_name] = rule
        return {"result": 1, "rule_id": rule.rule_id}

    def _api_BindScenario(self, record: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
        app = self._app_of(form)
        rule = self._rule_of(form, app)
        scenarios = self._scenarios_named(form)
        if not scenarios:
            raise _Refused(101, "scenario_id or scenario_name is required")
        ids = {s.scenario_id for s in scenarios}
        rule.bound = [s for s in rule.bound if s.scenario_id not in ids]
        if form.get("bind", "true") != "false":
            assert app is not None
            self._same_application(scenarios, app)
            rule.bound.extend(scenarios)
        return {"result": 1}

    @staticmethod
    def _same_application(scenarios: list[Scenario], app: Application) -> None:
        for s in scenarios:
            if s.application_id != app.application_id:
                # BindScenario: "the scenario and the routing rule need to be within the same
                # application"; whether the Shared folder counts is unconfirmed, so it does not.
                raise _Refused(
                    101, f"The scenario {s.scenario_name} is not in the rule's application"
                )

    def _api_GetSecrets(self, record: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
        app = self._app_of(form)
        assert app is not None
        found = [
            {"secret_id": secret_id, "secret_name": name}
            for (app_id, name), (secret_id, _value) in self.secrets.items()
            if app_id == app.application_id
        ]
        return {"result": found, "count": len(found)}

    def _api_AddSecret(self, record: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
        app = self._app_of(form)
        assert app is not None
        name, value = form.get("secret_name", ""), form.get("secret_value", "")
        if not name or not value:
            raise _Refused(101, "secret_name and secret_value are required")
        if (app.application_id, name) in self.secrets:
            raise _Refused(101, f"The secret {name} already exists")
        secret_id = next(self._object_ids)
        self.secrets[(app.application_id, name)] = (secret_id, value)
        return {"result": 1, "secret_id": secret_id}

    def _api_SetSecretInfo(self, record: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
        for key, (secret_id, _value) in self.secrets.items():
            if str(secret_id) == form.get("secret_id"):
                if not form.get("secret_value"):
                    raise _Refused(101, "secret_value is required")
                self.secrets[key] = (secret_id, form["secret_value"])
                return {"result": 1}
        raise _Refused(101, "Invalid secret_id")

    def _api_GetPhoneNumbers(self, record: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
        wanted = form.get("phone_number", "").lstrip("+")
        found = [
            {"phone_id": i + 1, "phone_number": n}
            for i, n in enumerate(self.phone_numbers)
            if wanted in ("", n)
        ]
        return {"result": found, "count": len(found)}

    def _api_GetCallerIDs(self, record: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
        wanted = form.get("callerid_number", "").lstrip("+")
        found = [
            {"callerid_id": i + 1, "callerid_number": n, "active": True}
            for i, n in enumerate(self.caller_ids)
            if wanted in ("", n)
        ]
        return {"result": found, "count": len(found)}

    def _api_StartScenarios(self, record: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
        if not form.get("rule_id"):
            if not form.get("rule_name"):
                raise _Refused(101, "rule_id is required")
            if not self.accept_rule_name:
                raise _Refused(101, "rule_id is required (rule_name is not accepted)")
        app = self._app_of(form, required=not form.get("rule_id"))
        rule = self._rule_of(form, app)
        if not rule.bound:
            raise _Refused(375, "No scenario bound to the rule")
        history_id = next(self._ids)
        access = f"{self.url}/session/{history_id}"
        answer = {
            "result": 1,
            "media_session_access_url": access,
            "media_session_access_secure_url": access,
            "call_session_history_id": history_id,
        }
        record["answer"] = answer
        record["rule"] = rule.view()
        if self.on_start:
            spec = self.operators.pop(0) if self.operators else {}
            # Run by handle_api once the lock is released (the emulator takes a moment).
            self._pending_start = {
                "rule": rule,
                "custom_data": form.get("script_custom_data", ""),
                "call_session_history_id": history_id,
                "operator": spec.get("operator"),
                "config": spec.get("config"),
            }
        return answer

    def _run_start(self, record: dict[str, Any], start: dict[str, Any]) -> None:
        assert self.on_start is not None
        session = self.on_start(start)
        if session:
            with self._lock:
                record["emulator_session"] = session
                self.sessions[start["call_session_history_id"]] = session

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
                # Times are checked below against the fake's own (possibly skewed) clock.
                claims = jwt.decode(
                    token,
                    self.public_key_pem,
                    algorithms=["RS256"],
                    options={
                        "require": ["iss", "iat", "exp"],
                        "verify_exp": False,
                        "verify_iat": False,
                        "verify_nbf": False,
                    },
                )
            except jwt.PyJWTError as exc:
                return "jwt", None, f"Authorization failed: {type(exc).__name__}"
            if header.get("kid") != self.key_id:
                return "jwt", claims, "Authorization failed: unknown key id"
            if str(claims["iss"]) != str(self.account_id):
                return "jwt", claims, "Authorization failed: iss is not the account id"
            if claims["exp"] - claims["iat"] > 3600:
                return "jwt", claims, "Authorization failed: token lifetime over 3600 s"
            now = time.time() + self.clock_offset_s
            if claims["iat"] > now + JWT_LEEWAY_S:
                return "jwt", claims, "Authorization failed: iat is in the future"
            if claims["exp"] < now - JWT_LEEWAY_S:
                return "jwt", claims, "Authorization failed: the token has expired"
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
                    with fake._lock:
                        self._json(200, [r.view() for r in fake.rules.values()])
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
                if path.startswith("/session/"):
                    self._session_request(path, body)
                    return
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
                    self._json(200, rule.view())
                    return
                if path == "/_switches":
                    spec = json.loads(body or b"{}")
                    if "accept_rule_name" in spec:
                        fake.accept_rule_name = bool(spec["accept_rule_name"])
                    if "clock_offset_s" in spec:
                        fake.clock_offset_s = float(spec["clock_offset_s"])
                    self._json(200, {"ok": True})
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

            def _session_request(self, path: str, body: bytes) -> None:
                """``media_session_access_url``: to the emulated session (AppEvents.HttpRequest)."""
                history, _, rest = path.removeprefix("/session/").partition("/")
                session = fake.sessions.get(int(history)) if history.isdigit() else None
                if session is None or fake.session_request is None:
                    self._json(404, {"error": "no running session at this access URL"})
                    return
                status, answer = fake.session_request(session, "/" + rest, body)
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def _json(self, status: int, value: Any) -> None:
                payload = json.dumps(value).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler
