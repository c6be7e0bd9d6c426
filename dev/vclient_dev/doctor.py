"""``vclient doctor``: a read-only preflight of a deployment before anyone is dialed.

    vclient doctor --stack NAME [--region R]             a deployed stack (its outputs + SSM)
    vclient doctor --prefix /P --aws-endpoint URL ...    any stack by hand (``make up`` prints one)

Each check prints one line, ``✓ what`` or ``✗ what — how to fix`` (``·`` lines are notes, never
failures); the exit code is 0 only when nothing is ``✗``. Checked, in order:

- SSM: every ``engines/*`` parameter exists and parses, ``default_engine``, the caller id, a
  non-empty allowlist, the models and key mode (the layer's own parsers decide);
- secrets: the Voximplant key parses and is not the deploy's placeholder, the token key exists,
  the OpenAI key is set or its absence means the scripted responder;
- Voximplant: the credentials authenticate, the application exists, each engine's rule exists with
  the scenarios of ``voximplant/rules.json`` bound in order and the same source as this checkout
  (sha256 per rule, as ``vox setup`` prints it), the caller id is a rented or verified number,
  ``OPENAI_API_KEY`` is an application secret when the key mode is ``voximplant_secret``;
- OpenAI: the key authenticates and the text and realtime models exist;
- the API answers ``GET /call/<unknown id>`` with its JSON 404 (the key is accepted, routes work).
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from vclient.dal.voximplant import (
    VoximplantApiError,
    VoximplantClient,
    VoximplantError,
    parse_credentials,
)
from vclient.logic.config import Config, engine_parameter, parameter_name
from vclient.vocabulary import ENGINES
from vclient_dev.vox_setup import (
    OPENAI_SECRET_NAME,
    Application,
    RulesMap,
    SetupError,
    load_rules_map,
    resolve_application,
    source_hash,
)

OK, FAIL, NOTE = "✓", "✗", "·"
DEFAULT_VOX_API = "https://api.voximplant.com/platform_api"
DEFAULT_OPENAI_API = "https://api.openai.com/v1"


@dataclass
class Check:
    mark: str
    what: str
    fix: str = ""

    def line(self) -> str:
        return f"{self.mark} {self.what}" + (f" — {self.fix}" if self.fix else "")


@dataclass
class Target:
    """Where the stack's pieces are. ``ssm``/``secretsmanager`` are boto3 clients."""

    prefix: str
    ssm: Any
    secretsmanager: Any
    api_url: str | None = None
    api_key: str | None = None
    vox_api_url: str = DEFAULT_VOX_API
    openai_base_url: str = DEFAULT_OPENAI_API
    secret_ids: dict[str, str] = field(default_factory=dict)
    #: How this target is named in fix hints (``--stack vclient`` or ``--prefix /x``).
    hint: str = ""

    def secret_id(self, name: str) -> str:
        return self.secret_ids.get(name) or f"{self.prefix}/{name}"


class Doctor:
    def __init__(self, target: Target, rules_map: RulesMap | None, say: Callable[[str], None]):
        self.t = target
        self.rules_map = rules_map
        self.say = say
        self.checks: list[Check] = []
        #: What ssm_checks parsed: each engine route that is valid, and the rest of the prefix.
        self.routes: dict[str, dict[str, Any]] = {}
        self.config: Config | None = None

    def add(self, mark: str, what: str, fix: str = "") -> None:
        check = Check(mark, what, fix)
        self.checks.append(check)
        self.say(check.line())

    @property
    def failed(self) -> bool:
        return any(c.mark == FAIL for c in self.checks)

    def put_hint(self, name: str, example: str) -> str:
        return f"aws ssm put-parameter --overwrite --name {self.t.prefix}/{name} --value {example}"

    # -- the run ------------------------------------------------------------------------------

    def run(self) -> bool:
        raw = self.ssm_checks()
        vox_key = self.secret_checks()
        if raw is not None:
            self.voximplant_checks(vox_key)
            self.openai_checks()
        self.api_check()
        return not self.failed

    # -- SSM ----------------------------------------------------------------------------------

    def ssm_checks(self) -> dict[str, str] | None:
        from vclient.errors import ConfigurationError
        from vclient.logic.config import parse_config, parse_engine_route

        try:
            raw = read_parameters(self.t.ssm, self.t.prefix)
        except DoctorError as exc:
            self.add(FAIL, f"SSM parameters under {self.t.prefix}: {exc}", exc.fix)
            return None
        if not raw:
            self.add(
                FAIL,
                f"no SSM parameters under {self.t.prefix}",
                "deploy the stack (sam deploy) or check --prefix/--region",
            )
            return None
        # Each engine's parameter on its own, so one broken route does not hide the others.
        engine_names = set()
        for engine in ENGINES:
            name = engine_parameter(engine)
            engine_names.add(name)
            if name not in raw:
                self.add(
                    FAIL,
                    f"{self.t.prefix}/{name} is missing",
                    f"vclient vox setup --credentials KEY --prefix {self.t.prefix}",
                )
                continue
            try:
                route = parse_engine_route(engine, raw[name])
            except ConfigurationError as exc:
                self.add(
                    FAIL,
                    f"{self.t.prefix}/{name}: {exc}",
                    f"vclient vox setup --credentials KEY --prefix {self.t.prefix}, or "
                    + self.put_hint(name, '\'{"rule_id":N,"scenario_name":"…"}\''),
                )
                continue
            self.routes[engine] = route.model_dump(exclude_none=True)
            self.add(OK, f"{self.t.prefix}/{name} → rule {route.label}")
        try:
            config = parse_config({k: v for k, v in raw.items() if k not in engine_names})
        except ConfigurationError as exc:
            parameter = getattr(exc, "details", {}).get("parameter", "")
            self.add(FAIL, f"{self.t.prefix}/{parameter}: {exc}", "fix that parameter")
            return raw
        self.config = config
        routing = config.routing
        self.add(OK, f"default_engine {routing.default_engine}")
        if routing.default_caller_id:
            self.add(OK, f"default_caller_id {routing.default_caller_id}")
        else:
            self.add(
                FAIL,
                f"{self.t.prefix}/{parameter_name('default_caller_id')} is not set",
                f"redeploy with DefaultCallerId=+<your rented number> (sam deploy --guided), "
                f"or {self.put_hint(parameter_name('default_caller_id'), '+<your rented number>')}",
            )
        if routing.allowed_prefixes:
            self.add(OK, f"allowed_prefixes {','.join(routing.allowed_prefixes)}")
        else:
            self.add(
                FAIL,
                f"{self.t.prefix}/{parameter_name('allowed_prefixes')} is empty: "
                "nothing can be dialed",
                self.put_hint(parameter_name("allowed_prefixes"), "+7 --type StringList"),
            )
        self.add(
            OK,
            f"models: text {config.call.text_model}, realtime {config.call.realtime_model}; "
            f"key_mode {config.call.key_mode}",
        )
        return raw

    # -- secrets ------------------------------------------------------------------------------

    def secret_checks(self) -> Any:
        vox_key = None
        name = "voximplant-credentials"
        text = self.read_secret(name)
        if text is not None:
            try:
                value = json.loads(text)
                if not isinstance(value, dict):
                    raise ValueError("not a JSON object")
                if not value.get("account_id") or not (
                    value.get("private_key") or value.get("api_key")
                ):
                    self.add(
                        FAIL,
                        f"secret {self.t.secret_id(name)} still holds the deploy's placeholder",
                        f"vclient secrets set voximplant KEY.json {self.t.hint}".rstrip(),
                    )
                else:
                    vox_key = parse_credentials(value)
                    self.add(OK, f"secret {name}: account {vox_key.account_id}")
            except ValueError as exc:
                self.add(
                    FAIL,
                    f"secret {self.t.secret_id(name)}: {exc}",
                    f"vclient secrets set voximplant KEY.json {self.t.hint}".rstrip(),
                )
        token = self.read_secret("token-signing-key")
        if token is not None:
            if token.strip():
                self.add(OK, "secret token-signing-key is set")
            else:
                self.add(FAIL, "secret token-signing-key is empty", "redeploy the stack")
        return vox_key

    def read_secret(self, name: str) -> str | None:
        import botocore.exceptions

        secret_id = self.t.secret_id(name)
        try:
            value = self.t.secretsmanager.get_secret_value(SecretId=secret_id)
        except botocore.exceptions.ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            self.add(FAIL, f"secret {secret_id}: {code}", "deploy the stack, or check --region")
            return None
        except botocore.exceptions.BotoCoreError as exc:
            self.add(FAIL, f"secret {secret_id}: {exc}", "check AWS credentials and --region")
            return None
        return str(value.get("SecretString") or "")

    # -- Voximplant ---------------------------------------------------------------------------

    def voximplant_checks(self, vox_key: Any) -> None:
        if vox_key is None:
            self.add(NOTE, "Voximplant not checked: no usable credentials")
            return
        client = VoximplantClient(vox_key, base_url=self.t.vox_api_url, deadline_s=15)
        routes = self.routes
        app_name = next(
            (r.get("application_name") for r in routes.values() if r.get("application_name")),
            None,
        ) or (self.rules_map.application if self.rules_map else "vclient")
        try:
            app = self.application(client, routes, str(app_name))
        except VoximplantApiError as exc:
            fix = (
                "check the key in the stack's secret and its role (Developer or CallsSMS)"
                if exc.code == 100
                else "see docs/voximplant.md"
            )
            self.add(FAIL, f"Voximplant refused {self.t.vox_api_url}: {exc}", fix)
            return
        except VoximplantError as exc:
            self.add(FAIL, f"Voximplant at {self.t.vox_api_url}: {exc}", "check the network")
            return
        except SetupError as exc:
            self.add(OK, "Voximplant credentials authenticate")
            self.add(FAIL, str(exc))
            return
        self.add(OK, "Voximplant credentials authenticate")
        self.add(OK, f"application {app.application_name} (id {app.application_id})")
        try:
            rules = (
                client.call(
                    "GetRules", {"application_id": app.application_id, "with_scenarios": True}
                ).get("result")
                or []
            )
            for engine in ENGINES:
                if engine in routes:
                    self.rule_check(client, engine, routes[engine], rules)
            if self.config is not None:
                self.caller_id_check(client, self.config.routing.default_caller_id or "")
            if self.config is not None and self.config.call.key_mode == "voximplant_secret":
                self.app_secret_check(client, app)
        except VoximplantError as exc:
            self.add(FAIL, f"Voximplant at {self.t.vox_api_url}: {exc}", "retry; check the role")

    def application(
        self, client: VoximplantClient, routes: dict[str, dict[str, Any]], name: str
    ) -> Application:
        app_id = next(
            (r["application_id"] for r in routes.values() if r.get("application_id")), None
        )
        if app_id is not None:
            found = client.call("GetApplications", {"application_id": app_id}).get("result") or []
            if found:
                return Application(int(found[0]["application_id"]), found[0]["application_name"])
            raise SetupError(f"no Voximplant application with id {app_id} (from engines/*)")
        return resolve_application(client, name)

    def rule_check(
        self,
        client: VoximplantClient,
        engine: str,
        route: dict[str, Any],
        rules: list[dict[str, Any]],
    ) -> None:
        label = f"id {route['rule_id']}" if route.get("rule_id") else str(route.get("rule_name"))
        setup_fix = f"vclient vox setup --credentials KEY --prefix {self.t.prefix}"
        rule = next(
            (
                r
                for r in rules
                if (route.get("rule_id") and r.get("rule_id") == route["rule_id"])
                or (not route.get("rule_id") and r.get("rule_name") == route.get("rule_name"))
            ),
            None,
        )
        if rule is None:
            self.add(FAIL, f"{engine}: rule {label} does not exist in Voximplant", setup_fix)
            return
        bound = [
            (int(s["scenario_id"]), str(s["scenario_name"])) for s in rule.get("scenarios") or []
        ]
        plan = self.rules_map.for_engine(engine) if self.rules_map else None
        if plan is None:
            self.add(OK, f"{engine}: rule {rule['rule_name']} exists")
            return
        expected = [s.name for s in plan.scenarios]
        if [name for _, name in bound] != expected:
            self.add(
                FAIL,
                f"{engine}: rule {rule['rule_name']} has {[n for _, n in bound] or 'nothing'} "
                f"bound, expected {expected} in that order",
                setup_fix,
            )
            return
        try:
            ours = plan.source_hash()
        except OSError as exc:
            self.add(FAIL, f"{engine}: this checkout cannot read its scenario: {exc}")
            return
        scripts = []
        for scenario_id, name in bound:
            found = client.call(
                "GetScenarios", {"scenario_id": scenario_id, "with_script": True}
            ).get("result") or [{}]
            scripts.append((name, str(found[0].get("scenario_script") or "")))
        theirs = source_hash(scripts)
        if theirs != ours:
            self.add(
                FAIL,
                f"{engine}: rule {rule['rule_name']} runs other source than this checkout "
                f"(account {theirs[:12]}, checkout {ours[:12]})",
                setup_fix,
            )
            return
        self.add(
            OK,
            f"{engine}: rule {rule['rule_name']} binds {' → '.join(expected)}, "
            f"source sha256 {ours[:12]} as in this checkout",
        )
        if not route.get("rule_id"):
            self.add(
                NOTE,
                f"{engine_parameter(engine)} names its rule; StartScenarios documents rule_id "
                f"({setup_fix} stores it)",
            )

    def caller_id_check(self, client: VoximplantClient, caller_id: str) -> None:
        if not caller_id:
            return
        digits = caller_id.lstrip("+")
        rented = client.call("GetPhoneNumbers", {"phone_number": digits}).get("result") or []
        if any(str(p.get("phone_number", "")).lstrip("+") == digits for p in rented):
            self.add(OK, f"caller id {caller_id} is a number rented in the account")
            return
        verified = client.call("GetCallerIDs", {"callerid_number": digits}).get("result") or []
        if any(
            str(c.get("callerid_number", "")).lstrip("+") == digits and c.get("active", True)
            for c in verified
        ):
            self.add(OK, f"caller id {caller_id} is a verified caller id of the account")
            return
        self.add(
            FAIL,
            f"caller id {caller_id} is neither rented nor a verified caller id in the account",
            "rent or verify it in the control panel, or "
            + self.put_hint("default_caller_id", "+<rented number>"),
        )

    def app_secret_check(self, client: VoximplantClient, app: Application) -> None:
        try:
            listed = client.call("GetSecrets", {"application_id": app.application_id}).get("result")
        except VoximplantApiError as exc:
            self.add(
                NOTE,
                f"application secrets not listed ({exc}; GetSecrets' parameters are "
                f"unconfirmed): check {OPENAI_SECRET_NAME} in the control panel",
            )
            return
        if any(
            isinstance(s, dict) and s.get("secret_name") == OPENAI_SECRET_NAME for s in listed or []
        ):
            self.add(
                OK, f"application secret {OPENAI_SECRET_NAME} is set (key_mode voximplant_secret)"
            )
        else:
            self.add(
                FAIL,
                f"key_mode is voximplant_secret but {app.application_name} has no secret "
                f"{OPENAI_SECRET_NAME}",
                "vclient vox setup --credentials KEY --openai-key-stdin < key.txt",
            )

    # -- OpenAI -------------------------------------------------------------------------------

    def openai_checks(self) -> None:
        text = self.read_secret("openai-api-key")
        if text is None:
            return
        try:
            key = str(json.loads(text).get("api_key") or "") if text.strip() else ""
        except (ValueError, AttributeError):
            self.add(
                FAIL,
                f'secret {self.t.secret_id("openai-api-key")} is not {{"api_key": "…"}}',
                f"vclient secrets set openai {self.t.hint} < key.txt".replace("  ", " "),
            )
            return
        if self.config is None:
            return
        config = self.config.call
        if not key:
            self.add(OK, "OpenAI: not configured — scripted responder (dialog engine)")
            if config.key_mode == "ephemeral":
                self.add(
                    NOTE,
                    "the realtime engines need an OpenAI key in key_mode ephemeral: "
                    f"vclient secrets set openai {self.t.hint} < key.txt".replace("  ", " "),
                )
            return
        import requests

        for role, model in (("text", config.text_model), ("realtime", config.realtime_model)):
            url = f"{self.t.openai_base_url.rstrip('/')}/models/{model}"
            try:
                answer = requests.get(url, headers={"Authorization": f"Bearer {key}"}, timeout=10)
            except requests.RequestException as exc:
                self.add(FAIL, f"OpenAI at {url}: {type(exc).__name__}", "check the network")
                return
            if answer.status_code == 401:
                self.add(
                    FAIL,
                    "OpenAI refused the key (401)",
                    f"vclient secrets set openai {self.t.hint} < key.txt".replace("  ", " "),
                )
                return
            if answer.status_code == 404:
                name = parameter_name("text_model" if role == "text" else "realtime_model")
                self.add(
                    FAIL,
                    f"OpenAI has no model {model!r} ({self.t.prefix}/{name}); the dialog engine "
                    "would silently use the scripted responder"
                    if role == "text"
                    else f"OpenAI has no model {model!r} ({self.t.prefix}/{name})",
                    self.put_hint(name, "<a current model id>"),
                )
                continue
            if answer.status_code != 200:
                self.add(FAIL, f"OpenAI answered {answer.status_code} for {url}", "retry later")
                continue
            self.add(OK, f"OpenAI key works; {role} model {model} exists")

    # -- the API ------------------------------------------------------------------------------

    def api_check(self) -> None:
        import requests

        if not self.t.api_url:
            self.add(NOTE, "API not checked: no URL (pass --api)")
            return
        url = f"{self.t.api_url.rstrip('/')}/call/{secrets.token_hex(16)}"
        headers = {"x-api-key": self.t.api_key} if self.t.api_key else {}
        try:
            answer = requests.get(url, headers=headers, timeout=15)
            body = answer.json()
        except requests.RequestException as exc:
            self.add(FAIL, f"API {self.t.api_url}: {type(exc).__name__}", "check the URL")
            return
        except ValueError:
            self.add(FAIL, f"API {self.t.api_url}: answered {answer.status_code}, not JSON")
            return
        code = body.get("code") if isinstance(body, dict) else None
        if answer.status_code == 404 and code == "not_found":
            self.add(
                OK, f"API {self.t.api_url} answers GET /call/{{id}} (404 not_found, as expected)"
            )
        elif code == "invalid_api_key":
            self.add(
                FAIL,
                f"API {self.t.api_url} refused the API key",
                "pass --api-key (aws apigateway get-api-key --include-value --api-key <ApiKeyId>)",
            )
        else:
            self.add(
                FAIL,
                f"API {self.t.api_url}: GET /call/{{id}} answered {answer.status_code} {code}",
                "see the function logs",
            )


class DoctorError(Exception):
    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.fix = fix


def read_parameters(ssm: Any, prefix: str) -> dict[str, str]:
    import botocore.exceptions

    values: dict[str, str] = {}
    try:
        for page in ssm.get_paginator("get_parameters_by_path").paginate(
            Path=prefix, Recursive=True, WithDecryption=True
        ):
            for parameter in page["Parameters"]:
                values[parameter["Name"].removeprefix(prefix).lstrip("/")] = parameter["Value"]
    except botocore.exceptions.NoCredentialsError:
        raise DoctorError("no AWS credentials", "aws configure, or set AWS_PROFILE") from None
    except botocore.exceptions.ClientError as exc:
        error = exc.response.get("Error", {})
        raise DoctorError(
            f"{error.get('Code')}: {error.get('Message')}", "check --region"
        ) from None
    except botocore.exceptions.BotoCoreError as exc:
        raise DoctorError(str(exc), "check --region and the network") from None
    return values


# -- building a target ----------------------------------------------------------------------------


def aws_session(region: str | None, endpoint: str | None) -> tuple[Any, dict[str, Any]]:
    import boto3

    kwargs: dict[str, Any] = {}
    if endpoint:
        kwargs["endpoint_url"] = endpoint
        if not os.environ.get("AWS_ACCESS_KEY_ID") and not os.environ.get("AWS_PROFILE"):
            # A local endpoint (moto) takes any credentials.
            kwargs.update(aws_access_key_id="local", aws_secret_access_key="local")
    session = boto3.session.Session(region_name=region) if region else boto3.session.Session()
    return session, kwargs


def target_from_stack(args: Any) -> Target:
    """Reads the stack's outputs (ApiUrl, ApiKeyId, ParameterPrefix, secret ARNs)."""
    import botocore.exceptions

    session, kwargs = aws_session(args.region, args.aws_endpoint)
    try:
        cfn = session.client("cloudformation", **kwargs)
        stack = cfn.describe_stacks(StackName=args.stack)["Stacks"][0]
    except botocore.exceptions.NoRegionError:
        raise DoctorError("no AWS region", "pass --region or set AWS_REGION") from None
    except botocore.exceptions.NoCredentialsError:
        raise DoctorError("no AWS credentials", "aws configure, or set AWS_PROFILE") from None
    except botocore.exceptions.ClientError as exc:
        message = exc.response.get("Error", {}).get("Message", str(exc))
        raise DoctorError(f"stack {args.stack}: {message}", "check --stack and --region") from None
    except botocore.exceptions.BotoCoreError as exc:
        raise DoctorError(f"stack {args.stack}: {exc}", "check the network") from None
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    api_key = args.api_key
    if not api_key and outputs.get("ApiKeyId"):
        try:
            api_key = session.client("apigateway", **kwargs).get_api_key(
                apiKey=outputs["ApiKeyId"], includeValue=True
            )["value"]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError, KeyError):
            api_key = None
    return Target(
        prefix=outputs.get("ParameterPrefix") or f"/{args.stack}",
        ssm=session.client("ssm", **kwargs),
        secretsmanager=session.client("secretsmanager", **kwargs),
        api_url=args.api or outputs.get("ApiUrl"),
        api_key=api_key,
        vox_api_url=args.vox_api_url,
        openai_base_url=args.openai_base_url,
        secret_ids={
            "voximplant-credentials": outputs.get("VoximplantCredentialsSecretArn", ""),
            "openai-api-key": outputs.get("OpenAiApiKeySecretArn", ""),
        },
        hint=f"--stack {args.stack}" + (f" --region {args.region}" if args.region else ""),
    )


def target_from_args(args: Any) -> Target:
    session, kwargs = aws_session(args.region, args.aws_endpoint)
    import botocore.exceptions

    try:
        ssm = session.client("ssm", **kwargs)
        secretsmanager = session.client("secretsmanager", **kwargs)
    except botocore.exceptions.NoRegionError:
        raise DoctorError("no AWS region", "pass --region or set AWS_REGION") from None
    hint = f"--prefix {args.prefix}" + (f" --region {args.region}" if args.region else "")
    if args.aws_endpoint:
        hint += f" --aws-endpoint {args.aws_endpoint}"
    return Target(
        prefix=args.prefix.rstrip("/"),
        ssm=ssm,
        secretsmanager=secretsmanager,
        api_url=args.api,
        api_key=args.api_key,
        vox_api_url=args.vox_api_url,
        openai_base_url=args.openai_base_url,
        hint=hint,
    )


def add_arguments(parser: Any) -> None:
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--stack", help="a deployed stack's name (reads its outputs)")
    where.add_argument("--prefix", help="the stack's SSM prefix, e.g. /vclient")
    parser.add_argument("--region", help="AWS region (default: your AWS configuration)")
    parser.add_argument("--aws-endpoint", help="an AWS endpoint URL (the local stack's moto)")
    parser.add_argument("--api", help="the API base URL (default: the stack's ApiUrl output)")
    parser.add_argument("--api-key", help="the API key (default: read through ApiKeyId)")
    parser.add_argument("--vox-api-url", default=DEFAULT_VOX_API, help="Management API URL")
    parser.add_argument("--openai-base-url", default=DEFAULT_OPENAI_API, help=argparse_hidden())
    parser.add_argument("--rules", help=argparse_hidden())


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


def main(args: Any) -> int:
    from pathlib import Path

    if args.prefix is not None and not args.prefix.startswith("/"):
        print(f"--prefix {args.prefix!r}: expected /<stack>, e.g. /vclient", file=sys.stderr)
        return 2
    try:
        target = target_from_stack(args) if args.stack else target_from_args(args)
    except DoctorError as exc:
        print(f"✗ {exc}" + (f" — {exc.fix}" if exc.fix else ""))
        return 1
    rules_map = None
    try:
        rules_map = load_rules_map(Path(args.rules) if args.rules else None)
    except SetupError as exc:
        print(f"✗ rule map: {exc}")
    doctor = Doctor(target, rules_map, say=lambda line: print(line, flush=True))
    ok = doctor.run() and rules_map is not None
    failures = sum(1 for c in doctor.checks if c.mark == FAIL) + (rules_map is None)
    print(f"\n{'All checks passed.' if ok else f'{failures} problem(s): fix the ✗ lines above.'}")
    return 0 if ok else 1
