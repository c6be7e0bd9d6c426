"""The local stack: moto (DynamoDB, SSM, Secrets Manager) + the local API + a fake Voximplant.

``make up`` runs it until Ctrl-C. Everything is derived from template.yaml: the tables, the SSM
parameters (with the template's defaults), the secrets, the routes and each function's env.
The Voximplant credentials secret holds a freshly generated service-account key whose public
half the fake Management API uses to verify the JWT the backend signs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import sys
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vclient.logic.config import engine_parameter
from vclient.vocabulary import ENGINES, MAX_CALL_DURATION_S
from vclient_dev.apigw import FunctionSpec, LocalApiGateway
from vclient_dev.fake_vox import FakeVoximplant
from vclient_dev.template import (
    ROOT,
    Resolver,
    api_routes,
    create_tables,
    gateway_responses,
    load_template,
    parameter_defaults,
    resources_of,
)

STACK_NAME = "vclient-local"
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
LOCAL_PARAMETERS = {
    "DefaultCallerId": "+74950000000",
    "AllowedPrefixes": "+7,+44",
    # No OpenAI here: realtime scenarios read OPENAI_API_KEY from the emulator's VoxEngine secrets.
    "OpenAiKeyMode": "voximplant_secret",
}
#: Environment every handler sees locally (besides the template's own variables).
LOCAL_ENV = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    # Read SSM on every request locally so an edit shows on the very next call (deployed: 30 s).
    "CONFIG_MAX_AGE_S": "0",
    # Batches tick every second locally (deployed: 10 s while calls are live, 30 s paused), and
    # every latency is the emulator's: the report labels them simulated.
    "BATCH_WATCH_S": "1",
    "BATCH_PAUSE_S": "1",
    "BATCH_VOX_BACKOFF_S": "1",
    "BATCH_STALE_TICK_S": "30",
    "BATCH_STALE_DIAL_S": "10",
    "TIMINGS_SIMULATED": "true",
}


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=VALUE`` lines of a .env file (comments and blanks skipped)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def generate_service_account() -> tuple[dict[str, Any], str]:
    """A key JSON shaped like Voximplant's service-account file, and its public key (PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    key_json = {
        "account_email": "local@example.invalid",
        "account_id": 1000001,
        "key_id": secrets.token_hex(16),
        "private_key": private_pem,
    }
    return key_json, public_pem


def local_resolver(
    template: dict[str, Any],
    resources: dict[str, str],
    parameters: dict[str, str] | None = None,
) -> Resolver:
    """Resolves the template's intrinsics with its parameter defaults and local values."""
    refs: dict[str, Any] = {
        **parameter_defaults(template),
        **(LOCAL_PARAMETERS if parameters is None else parameters),
        "AWS::StackName": STACK_NAME,
        "AWS::Region": REGION,
        "AWS::AccountId": ACCOUNT_ID,
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
        **resources,
    }
    return Resolver(refs=refs)


@dataclass
class Provisioned:
    names: dict[str, str]
    secret_arns: dict[str, str]
    prefix: str
    engine_routes: dict[str, dict[str, Any]]


def provision(
    template: dict[str, Any],
    clients: dict[str, Any],
    vox_key: dict[str, Any],
    parameters: dict[str, str] | None = None,
    *,
    streams: bool = True,
) -> Provisioned:
    """Creates what template.yaml would: tables, secrets and SSM parameters (with defaults).

    ``clients`` holds boto3 clients for dynamodb, ssm and secretsmanager (moto server or mock);
    ``parameters`` are the template parameter values (default: the local stack's); ``streams``
    False leaves the tables' streams out (the local stack: moto's are too costly).
    """
    names = {
        logical_id: f"{STACK_NAME}-{logical_id}"
        for logical_id in resources_of(template, "AWS::DynamoDB::Table")
    }
    create_tables(clients["dynamodb"], names, template, streams=streams)
    # Queues (the batch queue): created plain; locally a driver consumes them (local_batches).
    queues = resources_of(template, "AWS::SQS::Queue")
    if queues:
        import boto3

        sqs = clients.get("sqs") or boto3.client("sqs", region_name=REGION)
        for logical_id in queues:
            names[logical_id] = sqs.create_queue(QueueName=f"{STACK_NAME}-{logical_id}")["QueueUrl"]

    resolve = local_resolver(template, names, parameters)
    arns: dict[str, str] = {}
    for logical_id, props in resources_of(template, "AWS::SecretsManager::Secret").items():
        name = resolve(props["Name"])
        if logical_id == "VoximplantCredentialsSecret":
            value = json.dumps(vox_key)
        elif "GenerateSecretString" in props:
            value = secrets.token_urlsafe(48)
        else:
            value = resolve(props["SecretString"])
        arns[logical_id] = clients["secretsmanager"].create_secret(Name=name, SecretString=value)[
            "ARN"
        ]

    prefix = f"/{STACK_NAME}"
    routes: dict[str, dict[str, Any]] = {}
    for logical_id, props in resources_of(template, "AWS::SSM::Parameter").items():
        if not condition_holds(
            template, template["Resources"][logical_id].get("Condition"), resolve
        ):
            continue
        name, value = resolve(props["Name"]), str(resolve(props["Value"]))
        clients["ssm"].put_parameter(Name=name, Value=value, Type=props.get("Type", "String"))
        engine = next((e for e in ENGINES if name == f"{prefix}/{engine_parameter(e)}"), None)
        if engine is not None:
            routes[engine] = json.loads(value)
    return Provisioned(names=names, secret_arns=arns, prefix=prefix, engine_routes=routes)


def condition_holds(template: dict[str, Any], name: str | None, resolve: Resolver) -> bool:
    """Evaluates one of the template's Conditions (Fn::Equals/Not/And/Or, Ref, Condition)."""
    if name is None:
        return True

    def holds(expr: Any) -> bool:
        ((fn, arg),) = expr.items()
        if fn == "Fn::Equals":
            return bool(str(resolve(arg[0])) == str(resolve(arg[1])))
        if fn == "Fn::Not":
            return not holds(arg[0])
        if fn == "Fn::And":
            return all(holds(a) for a in arg)
        if fn == "Fn::Or":
            return any(holds(a) for a in arg)
        if fn == "Condition":
            return holds(template["Conditions"][arg])
        raise ValueError(f"condition function {fn} is not understood locally")

    return holds(template["Conditions"][name])


def function_specs(
    template: dict[str, Any], resources: dict[str, str], extra_env: dict[str, str]
) -> dict[str, FunctionSpec]:
    """Each function's code, handler and environment as the template declares them, made local.

    A Cognito resource ``resources`` does not name (no user pool provisioned) resolves to a
    placeholder, so a test without the console's pool still gets every function's environment.
    """
    placeholders = {
        logical_id: f"local-{logical_id}"
        for logical_id, res in template["Resources"].items()
        if res["Type"].startswith("AWS::Cognito::")
    }
    resolve = local_resolver(template, {**placeholders, **resources})
    globals_ = template.get("Globals", {}).get("Function", {})
    base_env = resolve(globals_.get("Environment", {}).get("Variables", {}))
    functions = {}
    for name, props in resources_of(template, "AWS::Serverless::Function").items():
        env = {**base_env, **resolve(props.get("Environment", {}).get("Variables", {}))}
        env = {k: str(v) for k, v in env.items()}
        env.update(LOCAL_ENV)
        env.update(extra_env)
        functions[name] = FunctionSpec(
            name=name,
            code_dir=ROOT / props["CodeUri"],
            handler=props.get("Handler", globals_.get("Handler", "app.handler")),
            env=env,
            timeout_s=int(props.get("Timeout", globals_.get("Timeout", 20))),
            memory_mb=int(props.get("MemorySize", globals_.get("MemorySize", 512))),
        )
    layer = str(ROOT / "layers" / "common")
    if layer not in sys.path:
        sys.path.insert(0, layer)
    return functions


_MOTO_DYNAMODB_LOCK = threading.RLock()
_MOTO_ITEM_METHODS = (
    "batch_get_item",
    "batch_write_item",
    "delete_item",
    "execute_transaction",
    "get_item",
    "put_item",
    "query",
    "scan",
    "transact_get_items",
    "transact_write_items",
    "update_item",
)
_MOTO_WRITE_METHODS = frozenset(
    {
        "batch_write_item",
        "delete_item",
        "execute_transaction",
        "put_item",
        "transact_write_items",
        "update_item",
    }
)
_moto_dynamodb_writes = 0


def moto_dynamodb_writes() -> int:
    """How many DynamoDB writes moto's server has taken (this process): a poller that finds it
    unchanged knows no item changed and skips its query."""
    return _moto_dynamodb_writes


def serialize_moto_dynamodb() -> None:
    """One DynamoDB item operation at a time in moto's server.

    moto's ``transact_write_items`` deep-copies a table while other request threads may insert
    into it ("dictionary changed size during iteration", a 500 that botocore retries); with
    several calls live at once (a batch) it happens often. DynamoDB itself has no such race.
    """
    import functools

    from moto.dynamodb.models import DynamoDBBackend

    for name in _MOTO_ITEM_METHODS:
        method = getattr(DynamoDBBackend, name, None)
        if method is None or getattr(method, "_vclient_serialized", False):
            continue

        def locked(
            *args: Any,
            __method: Any = method,
            __write: bool = name in _MOTO_WRITE_METHODS,
            **kwargs: Any,
        ) -> Any:
            global _moto_dynamodb_writes
            with _MOTO_DYNAMODB_LOCK:
                if __write:
                    _moto_dynamodb_writes += 1
                return __method(*args, **kwargs)

        functools.update_wrapper(locked, method)
        locked._vclient_serialized = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, locked)


class StackStartError(RuntimeError):
    """A part of the local stack could not start; the message says which and what to do."""


@dataclass
class LocalStack:
    port: int = 3000
    host: str = "127.0.0.1"
    env_file: Path | None = ROOT / ".env"
    extra_env: dict[str, str] = field(default_factory=dict)
    #: Run each started scenario in the VoxEngine emulator (needs Node and dev/emulator's packages).
    simulate_calls: bool = True
    #: The emulator's pace: 0 as fast as it goes (tests), 1 wall time (a person watching the
    #: console), 2 twice as fast.
    call_pace: float = 0

    def __post_init__(self) -> None:
        self.template = load_template()
        self.api_key = "local-" + secrets.token_urlsafe(18)
        self.names: dict[str, str] = {}
        self.secret_arns: dict[str, str] = {}
        self.operators_by_number: dict[str, list[dict[str, Any]]] = {}
        self._operators_lock = threading.Lock()

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> LocalStack:
        """Starts every part; a part that cannot start stops the rest and raises StackStartError."""
        if getattr(self, "_started", False):
            return self
        try:
            self._start()
        except OSError as exc:
            self.stop()
            raise StackStartError(self._start_problem(exc)) from None
        self._started = True
        return self

    def _start_problem(self, exc: OSError) -> str:
        import errno

        if exc.errno == errno.EADDRINUSE:
            return (
                f"Could not start the local stack: port {self.port} on {self.host} is in use "
                "(another `make up`?). Stop it, or pick another port: "
                "`make up PORT=3001` / `--port 3001`."
            )
        return f"Could not start the local stack: {exc.strerror or exc}"

    def _start(self) -> None:
        import logging

        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)

        serialize_moto_dynamodb()
        # Metrics are off locally (POWERTOOLS_METRICS_DISABLED); an empty flush is no news.
        warnings.filterwarnings("ignore", message="No application metrics to publish")
        self.moto = ThreadedMotoServer(ip_address=self.host, port=0, verbose=False)
        self.moto.start()
        host, port = self.moto.get_host_and_port()
        self.aws_endpoint = f"http://{host}:{port}"
        # The handlers run in this process: they see these while the stack runs (stop() restores).
        self._saved_env = {k: os.environ.get(k) for k in [*LOCAL_ENV, "AWS_ENDPOINT_URL"]}
        os.environ.update(LOCAL_ENV)
        os.environ["AWS_ENDPOINT_URL"] = self.aws_endpoint

        key_json, public_pem = generate_service_account()
        self.vox = FakeVoximplant(
            account_id=key_json["account_id"],
            key_id=key_json["key_id"],
            public_key_pem=public_pem,
            host=self.host,
        )
        self.vox.start()
        self._provision(key_json)
        self._provision_console_users()
        self._setup_voximplant(key_json)
        self._start_emulator()

        user_env = read_env_file(self.env_file) if self.env_file else {}
        user_env.update(self.extra_env)
        functions = self._functions(user_env)
        self.api = LocalApiGateway(
            routes=api_routes(self.template),
            functions=functions,
            api_keys={self.api_key},
            gateway_responses=gateway_responses(self.template),
            host=self.host,
            port=self.port,
            authorizers={"ConsoleCognito": self.console_verifier},
        )
        self.api.start()
        self._start_batch_consumer(functions)
        self._start_evaluations()
        self._start_schedules()

    def _start_batch_consumer(self, functions: dict[str, FunctionSpec]) -> None:
        """No event source mappings in moto: a local consumer runs the batch worker's handler."""
        from vclient_dev.local_batches import LocalQueueConsumer

        self.batch_consumer: LocalQueueConsumer | None = None
        if "BatchWorkerFunction" in functions and "BatchQueue" in self.names:
            self.batch_consumer = LocalQueueConsumer(
                functions["BatchWorkerFunction"],
                self.names["BatchQueue"],
                endpoint=self.aws_endpoint,
            ).start()

    def _start_evaluations(self) -> None:
        """The evaluate function right after each call ends, as its DynamoDB event would run it:
        a poller hands it the stream record of each ended call without a verdict (the local
        table has no stream: moto's grew the stack by 100–300 MB a call). It queries only after
        a write: an idle stack does not query at all."""
        import boto3

        from vclient_dev.streams import EndedCallsPoller

        self.evaluations = EndedCallsPoller(
            dynamodb=boto3.client("dynamodb", endpoint_url=self.aws_endpoint, region_name=REGION),
            table=self.names["CallsTable"],
            handler=self.api.pools["EvaluateFunction"].invoke,
            changes=moto_dynamodb_writes,
        ).start()

    def _start_schedules(self) -> None:
        """The template's scheduled functions (the lost-calls sweep) at their rates."""
        from vclient_dev.local_schedules import local_schedule, scheduled_functions

        self.schedules = [
            local_schedule(name, self.api.pools[name].invoke, interval).start()
            for name, interval in scheduled_functions(self.template).items()
        ]

    def _start_emulator(self) -> None:
        """Each started scenario runs in the VoxEngine emulator, unless Node is missing."""
        from vclient_dev.emulator import EmulatorServer, EmulatorUnavailable

        self.emulator: EmulatorServer | None = None
        self.emulator_error: str | None = None
        if not self.simulate_calls:
            return
        try:
            self.emulator = EmulatorServer().start()
        except EmulatorUnavailable as exc:
            self.emulator_error = str(exc)
            return
        self.vox.on_start = self._run_scenario
        self.vox.report_for = self.emulator.report
        self.vox.session_request = self.emulator.http_request

    def _run_scenario(self, start: dict[str, Any]) -> str | None:
        from vclient_dev.emulator import bundled_operator
        from vclient_dev.rules import RulesError, scenario_files

        assert self.emulator is not None
        try:
            paths = scenario_files(start["rule"].rule_name)
        except RulesError:
            return None
        call = self._call_item(start)
        # A batch's operators are per number (`vclient batch start --local`); else the queue's.
        by_number = self._next_operator_for(call.get("to", ""))
        operator = (
            start.get("operator")
            or by_number.get("operator")
            or bundled_operator(call.get("persona") or "car_buyer")
        )
        # Latency marks include the real backend's time (the emulator's clock would otherwise
        # stand still during HTTP); a caller's config may turn it off.
        config = {
            "httpRealLatency": True,
            **(by_number.get("config") or {}),
            # Paced, a call takes its own length in wall time (66 s for car_buyer at pace 1): the
            # emulator's 60 s wall-clock guard would cut it off mid-call, leaving it «разговор».
            **(
                {
                    "realTimeFactor": self.call_pace,
                    "maxWallMs": int(MAX_CALL_DURATION_S * 1000 / self.call_pace) + 60_000,
                }
                if self.call_pace
                else {}
            ),
            **(start.get("config") or {}),
        }
        return self.emulator.run(paths, start["custom_data"], operator, config)

    def _call_item(self, start: dict[str, Any]) -> dict[str, str]:
        """The started call's persona id and number (for its operator script), if readable."""
        import boto3

        try:
            call_id = json.loads(start["custom_data"])["id"]
            item = boto3.client(
                "dynamodb", endpoint_url=self.aws_endpoint, region_name=REGION
            ).get_item(
                TableName=self.names["CallsTable"],
                Key={"pk": {"S": call_id}, "sk": {"S": "CALL"}},
            )["Item"]
            return {k: str(item[k]["S"]) for k in ("persona", "to") if k in item}
        except (KeyError, ValueError, TypeError):
            return {}

    def set_operator_for(
        self, number: str, operator: dict[str, Any] | None, config: dict[str, Any] | None = None
    ) -> None:
        """The simulated operator (and emulator config) answering every call to ``number``."""
        self.set_operators_for(number, [operator])
        self.operators_by_number[number][0]["config"] = config

    def set_operators_for(self, number: str, operators: list[dict[str, Any] | None]) -> None:
        """Calls to ``number`` get these operators in turn; the last one answers every later
        call (e.g. busy, then a good operator: a retry that gets through)."""
        self.operators_by_number[number] = [{"operator": op, "config": None} for op in operators]

    def _next_operator_for(self, number: str) -> dict[str, Any]:
        with self._operators_lock:
            specs = self.operators_by_number.get(number)
            if not specs:
                return {}
            return specs.pop(0) if len(specs) > 1 else specs[0]

    def stop(self) -> None:
        for schedule in getattr(self, "schedules", []):
            with contextlib.suppress(Exception):  # best effort on shutdown
                schedule.stop()
        for part in ("batch_consumer", "evaluations", "api", "vox", "emulator", "moto"):
            component = getattr(self, part, None)
            if component is not None:
                with contextlib.suppress(Exception):  # best effort on shutdown
                    component.stop()
        for key, value in getattr(self, "_saved_env", {}).items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env = {}

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- provisioning from the template -------------------------------------------------------

    def _provision(self, vox_key: dict[str, Any]) -> None:
        import boto3

        session = boto3.session.Session(region_name=REGION)
        clients = {
            n: session.client(n, endpoint_url=self.aws_endpoint)
            for n in ("dynamodb", "ssm", "secretsmanager")
        }
        done = provision(self.template, clients, vox_key, streams=False)
        self.names, self.secret_arns, self.param_prefix = done.names, done.secret_arns, done.prefix
        self.engine_routes = done.engine_routes
        # The local caller id is a number "rented" in the fake account (the doctor checks it).
        self.vox.phone_numbers.append(LOCAL_PARAMETERS["DefaultCallerId"].lstrip("+"))

    def _provision_console_users(self) -> None:
        """The console's user pool in moto (from the template), a user per group, the verifier."""
        import boto3

        from vclient_dev.local_auth import CognitoVerifier, provision_user_pool

        cognito = boto3.client("cognito-idp", endpoint_url=self.aws_endpoint, region_name=REGION)
        self.user_pool = provision_user_pool(
            self.template, cognito, local_resolver(self.template, self.names), REGION
        )
        self.console_verifier = CognitoVerifier(
            jwks_url=f"{self.aws_endpoint}/{self.user_pool.pool_id}/.well-known/jwks.json",
            issuer=self.user_pool.issuer,
            client_id=self.user_pool.client_id,
        )

    def _setup_voximplant(self, vox_key: dict[str, Any]) -> None:
        """``vclient vox setup`` against the fake, as a user would run it against their account.

        The template's engine routes (by rule name) stay in SSM, as a fresh deploy has them. If the
        rule map cannot be uploaded (a scenario file missing), the rules are registered from the
        template instead and the reason is kept for the banner (``vclient doctor`` reports it).
        """
        from vclient.dal.voximplant import VoximplantClient, parse_credentials
        from vclient_dev.emulator import LOCAL_SECRETS
        from vclient_dev.vox_setup import (
            OPENAI_SECRET_NAME,
            SetupError,
            load_rules_map,
            set_application_secret,
            setup,
        )

        client = VoximplantClient(
            parse_credentials(vox_key), base_url=f"{self.vox.url}/platform_api"
        )
        self.vox_setup_error: str | None = None
        try:
            done = setup(client, load_rules_map(), say=lambda _line: None)
        except SetupError as exc:
            self.vox_setup_error = str(exc)
            for route in self.engine_routes.values():
                self.vox.add_rule(
                    route["rule_name"], route["application_name"], route["scenario_name"]
                )
            return
        # The emulated application's secret, as the emulator's VoxEngine.getSecretValue sees it.
        set_application_secret(
            client, done.application, OPENAI_SECRET_NAME, LOCAL_SECRETS[OPENAI_SECRET_NAME]
        )
        self.vox.requests.clear()

    def _functions(self, user_env: dict[str, str]) -> dict[str, FunctionSpec]:
        extra = {"VOX_API_URL": f"{self.vox.url}/platform_api", **user_env}
        pool = {
            "ConsoleUserPool": self.user_pool.pool_id,
            "ConsoleUserPoolClient": self.user_pool.client_id,
        }
        return function_specs(self.template, {**self.names, **self.secret_arns, **pool}, extra)

    def banner(self) -> str:
        return "\n".join(
            [
                f"API ready at {self.api.url}",
                f"API key: {self.api_key}",
                f"Fake Voximplant: {self.vox.url} (requests at {self.vox.url}/_requests)",
                f"AWS endpoint: {self.aws_endpoint} (moto; region {REGION}, "
                f"SSM prefix {self.param_prefix})",
                (
                    f"VoxEngine emulator: {self.emulator.url} (calls are simulated)"
                    if self.emulator
                    else f"VoxEngine emulator: off ({self.emulator_error or 'disabled'})"
                ),
                *(
                    [f"Voximplant setup (fake): {self.vox_setup_error}"]
                    if self.vox_setup_error
                    else []
                ),
                "Evaluations: EvaluateFunction for each ended call (polled every 0.3 s)",
                f"Doctor: {self.doctor_command()}",
                f"Console: {self.api.url}/console",
                *(
                    f"  user {user.username} / password {user.password} ({user.group})"
                    for user in self.user_pool.users.values()
                ),
            ]
        )

    def doctor_command(self) -> str:
        """A ``vclient doctor`` command line that checks this running stack against its fakes."""
        return (
            f".venv/bin/vclient doctor --prefix {self.param_prefix} --region {REGION} "
            f"--aws-endpoint {self.aws_endpoint} --api {self.api.url} --api-key {self.api_key} "
            f"--vox-api-url {self.vox.url}/platform_api"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the local stack until Ctrl-C.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--no-env-file", action="store_true", help="ignore .env (overrides for the handlers)"
    )
    parser.add_argument(
        "--pace",
        type=float,
        default=0.0,
        help="simulated calls' pace: 0 as fast as possible, 1 wall time (make up: to watch them "
        "in the console), 4 four times as fast",
    )
    args = parser.parse_args(argv)
    stack = LocalStack(
        port=args.port,
        host=args.host,
        env_file=None if args.no_env_file else ROOT / ".env",
        call_pace=args.pace,
    )
    # Installed before the start: a SIGTERM while starting tears down what started, too.
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: _stop_requested(stopped))
    die_with_parent(stopped)
    try:
        stack.start()
    except StackStartError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if not stopped.is_set():
        print(stack.banner(), flush=True)
        print("Ctrl-C stops everything.", flush=True)
    stopped.wait()
    _stop_within(stack, STOP_TIMEOUT_S)
    print("Local stack stopped.", flush=True)
    return 0


#: How long stopping may take before the process exits anyway (a part stuck in shutdown).
STOP_TIMEOUT_S = 15.0
PR_SET_PDEATHSIG = 1


def _stop_requested(stopped: threading.Event) -> None:
    """The first signal stops the stack; a second one exits at once."""
    if stopped.is_set():
        os._exit(1)
    stopped.set()


def _stop_within(stack: LocalStack, timeout_s: float) -> None:
    """Stops every part (its child processes too); exits the process if that hangs."""
    done = threading.Thread(target=stack.stop, daemon=True, name="stack-stop")
    done.start()
    done.join(timeout_s)
    if done.is_alive():
        emulator = getattr(stack, "emulator", None)
        if emulator is not None and emulator.process is not None:
            emulator.process.kill()
        print(f"Local stack did not stop within {timeout_s:.0f} s: exiting.", flush=True)
        os._exit(1)


def die_with_parent(stopped: threading.Event) -> None:
    """The stack stops when the process that started it dies (a killed pytest or ``make up``).

    On Linux the kernel sends SIGTERM (PR_SET_PDEATHSIG); everywhere a thread also watches the
    parent id once a second (the stack is reparented when its parent dies).
    """
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)

    def watch() -> None:
        while not stopped.wait(1.0):
            if os.getppid() != parent:
                stopped.set()

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


if __name__ == "__main__":
    raise SystemExit(main())
