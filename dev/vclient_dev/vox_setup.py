"""Uploads the scenarios to a Voximplant application and binds each rule to its ordered list.

    vclient vox setup --credentials service-account.json [--application vclient] [--dry-run]
                      [--prefix /<stack> [--region R]] [--openai-key-stdin]

What goes where comes from one file, ``voximplant/rules.json`` (rule → engine and ordered
scenario list; scenario name → file). Management API methods, as the reference names them:

1. ``GetApplications`` resolves the application's id and full name
   (``<app>.<account>.voximplant.com``) once; every later call uses the id.
2. ``GetScenarios`` lists the application's scenarios; an existing one whose script differs is
   updated in place with ``SetScenarioInfo`` (read back with ``scenario_id`` + ``with_script``),
   a missing one is created in the application with ``AddScenario``.
3. ``GetRules(with_scenarios)``: a missing rule is created with ``AddRule`` carrying its whole
   scenario list (the reference: a scenario is "required unless scenario_name is provided"), with
   a pattern that matches no inbound number; an existing rule whose bound list differs is
   unbound and re-bound in order with ``BindScenario`` (``SetRuleInfo`` may ignore a scenario
   change).
4. Each engine's route is ``{"rule_id", "rule_name", "application_id", "scenario_name"}``
   (``StartScenarios`` documents ``rule_id`` as required). With ``--prefix`` they are written to
   ``<prefix>/engines/<engine>`` through boto3; otherwise the exact commands are printed.
5. Per rule it prints the sha256 of the sources it bound (``vclient doctor`` recomputes it from
   the account to detect drift).
6. ``--openai-key-stdin`` sets the application secret ``OPENAI_API_KEY`` (``GetSecrets``, then
   ``SetSecretInfo`` or ``AddSecret``; their parameter names are unconfirmed, so a refusal prints
   the manual step). A re-run with nothing changed makes no write.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vclient.dal.voximplant import VoximplantClient, VoximplantError, parse_credentials
from vclient.logic.config import engine_parameter, parameter_name
from vclient_dev.template import ROOT

SCENARIO_DIR = ROOT / "voximplant"
RULES_FILE = SCENARIO_DIR / "rules.json"
#: Dev override of the rule map (tests point it at a temporary one).
RULES_FILE_ENV = "VCLIENT_RULES_FILE"
MAX_SCRIPT_BYTES = 128 * 1024
ENGINES = ("dialog", "realtime", "realtime_pure")
OPENAI_SECRET_NAME = "OPENAI_API_KEY"
MANUAL_SECRET_STEP = (
    "control panel → Applications → {app} → Secrets → Add secret, name OPENAI_API_KEY, "
    "value your sk-… key"
)


class SetupError(Exception):
    """A problem the user can fix; the message says how."""


# -- the rule map ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioSource:
    name: str
    path: Path

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


@dataclass(frozen=True)
class RulePlan:
    rule_name: str
    engine: str
    scenarios: tuple[ScenarioSource, ...]

    @property
    def scenario_name(self) -> str:
        """The engine's own scenario: the last one (shared code is bound before it)."""
        return self.scenarios[-1].name

    def source_hash(self) -> str:
        return source_hash((s.name, s.text()) for s in self.scenarios)


@dataclass(frozen=True)
class RulesMap:
    application: str
    rules: tuple[RulePlan, ...]
    path: Path

    def for_engine(self, engine: str) -> RulePlan | None:
        return next((r for r in self.rules if r.engine == engine), None)

    def scenarios(self) -> list[ScenarioSource]:
        """Every scenario the rules use, once, in order of first use."""
        seen: dict[str, ScenarioSource] = {}
        for rule in self.rules:
            for scenario in rule.scenarios:
                seen.setdefault(scenario.name, scenario)
        return list(seen.values())


def source_hash(named_sources: Iterable[tuple[str, str]]) -> str:
    """sha256 over the ordered (scenario name, script) pairs of one rule."""
    digest = hashlib.sha256()
    for name, text in named_sources:
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
    return digest.hexdigest()


def rules_file() -> Path:
    return Path(os.environ.get(RULES_FILE_ENV) or RULES_FILE)


def load_rules_map(path: Path | None = None) -> RulesMap:
    """The rule map (checked by ``vclient_dev.rules``, its one reader) as upload plans."""
    from vclient_dev.rules import RulesError, parse_rules

    path = path or rules_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SetupError(f"{path}: cannot read the rule map ({exc.strerror or exc})") from None
    except json.JSONDecodeError as exc:
        raise SetupError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    try:
        rules = parse_rules(data, base=path.parent)
    except RulesError as exc:
        raise SetupError(f"{path}: {exc}") from None
    plans = tuple(
        RulePlan(
            rule.name,
            rule.engine,
            tuple(ScenarioSource(name, rules.scenarios[name]) for name in rule.scenarios),
        )
        for rule in rules.rules.values()
    )
    return RulesMap(rules.application, plans, path)


def check_sources(rules_map: RulesMap) -> None:
    """Every scenario file exists and fits Voximplant's limits (name < 30 chars, < 128 KB)."""
    for scenario in rules_map.scenarios():
        if len(scenario.name) >= 30:
            raise SetupError(f"scenario name {scenario.name!r} must be under 30 characters")
        if not scenario.path.is_file():
            raise SetupError(
                f"scenario {scenario.name}: {scenario.path} does not exist "
                f"(named in {rules_map.path})"
            )
        size = len(scenario.path.read_bytes())
        if size >= MAX_SCRIPT_BYTES:
            raise SetupError(f"{scenario.path.name} is {size} bytes; Voximplant takes < 128 KB")


# -- the account side -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Application:
    application_id: int
    application_name: str  # full: <app>.<account>.voximplant.com


def resolve_application(client: VoximplantClient, name: str) -> Application:
    """The one application whose full name is ``name`` or starts with ``name.``."""
    found = client.call("GetApplications", {"application_name": name}).get("result") or []
    # The filter is a substring match ("vclient" also finds "vclient2..."): pick the exact one.
    exact = [
        a
        for a in found
        if isinstance(a, dict)
        and (
            a.get("application_name") == name or a.get("application_name", "").split(".")[0] == name
        )
    ]
    if not exact:
        raise SetupError(
            f"no Voximplant application named {name!r}: create it in the control panel "
            "(Applications → Create) or pass --application"
        )
    if len(exact) > 1:
        names = ", ".join(str(a.get("application_name")) for a in exact)
        raise SetupError(f"{name!r} matches several applications ({names}): pass the full name")
    return Application(int(exact[0]["application_id"]), str(exact[0]["application_name"]))


def rule_pattern(rule_name: str) -> str:
    """Matches no inbound number: the rule only runs via StartScenarios."""
    return f"^{rule_name}_start_scenarios_only$"


@dataclass
class RuleResult:
    rule_name: str
    engine: str
    rule_id: int | None
    scenario_ids: list[int | None]
    source_hash: str
    route: dict[str, Any] = field(default_factory=dict)


@dataclass
class SetupResult:
    application: Application
    rules: list[RuleResult]

    @property
    def routes(self) -> dict[str, dict[str, Any]]:
        return {r.engine: r.route for r in self.rules}


def setup(
    client: VoximplantClient,
    rules_map: RulesMap,
    *,
    application: str | None = None,
    dry_run: bool = False,
    say: Callable[[str], None] = print,
) -> SetupResult:
    """Makes the application hold each scenario and each rule bound to its list, in order."""
    check_sources(rules_map)
    app = resolve_application(client, application or rules_map.application)
    say(f"application {app.application_name} (id {app.application_id})")
    scenario_ids = _upload_scenarios(client, app, rules_map.scenarios(), dry_run, say)
    existing = {
        str(rule.get("rule_name")): rule
        for rule in client.call(
            "GetRules", {"application_id": app.application_id, "with_scenarios": True}
        ).get("result")
        or []
    }
    results = []
    for plan in rules_map.rules:
        wanted = [scenario_ids[s.name] for s in plan.scenarios]
        rule_id = _ensure_rule(
            client, app, plan, wanted, existing.get(plan.rule_name), dry_run, say
        )
        digest = plan.source_hash()
        say(
            f"rule {plan.rule_name} ({plan.engine}): "
            f"{' → '.join(s.name for s in plan.scenarios)}, source sha256 {digest[:12]}"
        )
        route: dict[str, Any] = {
            "rule_id": rule_id,
            "rule_name": plan.rule_name,
            "application_id": app.application_id,
            "scenario_name": plan.scenario_name,
        }
        results.append(RuleResult(plan.rule_name, plan.engine, rule_id, wanted, digest, route))
    return SetupResult(app, results)


def _upload_scenarios(
    client: VoximplantClient,
    app: Application,
    scenarios: list[ScenarioSource],
    dry_run: bool,
    say: Callable[[str], None],
) -> dict[str, int | None]:
    listed = {
        str(s.get("scenario_name")): s
        for s in client.call("GetScenarios", {"application_id": app.application_id}).get("result")
        or []
    }
    ids: dict[str, int | None] = {}
    for scenario in scenarios:
        script = scenario.text()
        known = listed.get(scenario.name)
        if known is None:
            say(f"scenario {scenario.name}: add {scenario.path.name} ({len(script)} chars)")
            ids[scenario.name] = None
            if not dry_run:
                answer = client.call(
                    "AddScenario",
                    {
                        "scenario_name": scenario.name,
                        "scenario_script": script,
                        "application_id": app.application_id,
                    },
                )
                ids[scenario.name] = int(answer["scenario_id"])
            continue
        scenario_id = int(known["scenario_id"])
        ids[scenario.name] = scenario_id
        if _script_of(client, scenario_id) == script:
            say(f"scenario {scenario.name}: unchanged")
            continue
        say(f"scenario {scenario.name}: update in place from {scenario.path.name}")
        if not dry_run:
            client.call("SetScenarioInfo", {"scenario_id": scenario_id, "scenario_script": script})
    return ids


def _script_of(client: VoximplantClient, scenario_id: int) -> str | None:
    found = client.call("GetScenarios", {"scenario_id": scenario_id, "with_script": True}).get(
        "result"
    ) or [{}]
    script = found[0].get("scenario_script") if isinstance(found[0], dict) else None
    return str(script) if script is not None else None


def _ensure_rule(
    client: VoximplantClient,
    app: Application,
    plan: RulePlan,
    wanted: list[int | None],
    rule: dict[str, Any] | None,
    dry_run: bool,
    say: Callable[[str], None],
) -> int | None:
    joined = ";".join(str(i) for i in wanted)
    if rule is None:
        say(f"rule {plan.rule_name}: create with its {len(wanted)} scenario(s)")
        if dry_run:
            return None
        answer = client.call(
            "AddRule",
            {
                "application_id": app.application_id,
                "rule_name": plan.rule_name,
                "rule_pattern": rule_pattern(plan.rule_name),
                "scenario_id": joined,
            },
        )
        return int(answer["rule_id"])
    rule_id = int(rule["rule_id"])
    current = [int(s["scenario_id"]) for s in rule.get("scenarios") or []]
    if current == wanted:
        say(f"rule {plan.rule_name}: already bound in order")
        return rule_id
    say(f"rule {plan.rule_name}: re-bind in order (was {current or 'nothing'})")
    if not dry_run:
        if current:
            client.call(
                "BindScenario",
                {
                    "application_id": app.application_id,
                    "rule_id": rule_id,
                    "scenario_id": ";".join(str(i) for i in current),
                    "bind": False,
                },
            )
        client.call(
            "BindScenario",
            {
                "application_id": app.application_id,
                "rule_id": rule_id,
                "scenario_id": joined,
                "bind": True,
            },
        )
    return rule_id


def set_application_secret(
    client: VoximplantClient, app: Application, name: str, value: str
) -> str:
    """Adds or updates one application secret; returns "added" or "updated".

    Raises SetupError with the manual step when Voximplant refuses the request: the methods
    exist (AddSecret, SetSecretInfo, GetSecrets), their parameter names here are unconfirmed.
    """
    manual = MANUAL_SECRET_STEP.format(app=app.application_name)
    try:
        listed = client.call("GetSecrets", {"application_id": app.application_id}).get("result")
        found = next(
            (s for s in listed or [] if isinstance(s, dict) and s.get("secret_name") == name),
            None,
        )
        if found is not None and found.get("secret_id") is not None:
            client.call("SetSecretInfo", {"secret_id": found["secret_id"], "secret_value": value})
            return "updated"
        client.call(
            "AddSecret",
            {"application_id": app.application_id, "secret_name": name, "secret_value": value},
        )
        return "added"
    except VoximplantError as exc:
        raise SetupError(
            f"Voximplant did not set the secret {name} ({exc}); the secret methods' parameter "
            f"names are unconfirmed, so set it by hand: {manual}"
        ) from None


# -- SSM ------------------------------------------------------------------------------------------


def ssm_commands(prefix: str, results: list[RuleResult]) -> list[str]:
    return [
        "aws ssm put-parameter --overwrite --type String "
        f"--name {prefix}/{engine_parameter(r.engine)} "
        f"--value '{json.dumps(r.route, separators=(',', ':'))}'"
        for r in results
    ]


def write_routes(ssm: Any, prefix: str, results: list[RuleResult]) -> None:
    for result in results:
        ssm.put_parameter(
            Name=f"{prefix}/{engine_parameter(result.engine)}",
            Value=json.dumps(result.route, separators=(",", ":")),
            Type="String",
            Overwrite=True,
        )


def valid_prefix(prefix: str) -> bool:
    return re.fullmatch(r"(/[A-Za-z0-9_.-]+)+", prefix) is not None


# -- the command ----------------------------------------------------------------------------------


def load_client(credentials: str, base_url: str) -> VoximplantClient:
    """A Management API client from a key file; SetupError names the file and the problem."""
    try:
        raw = json.loads(Path(credentials).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SetupError(f"{credentials}: cannot read ({exc.strerror or exc})") from None
    except json.JSONDecodeError as exc:
        raise SetupError(f"{credentials}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(raw, dict):
        raise SetupError(f"{credentials}: a service-account key file is a JSON object")
    try:
        return VoximplantClient(parse_credentials(raw), base_url=base_url, deadline_s=30)
    except ValueError as exc:
        raise SetupError(f"{credentials}: {exc}") from None


def main(args: Any) -> int:
    err = sys.stderr
    if args.prefix and not valid_prefix(args.prefix):
        print(f"--prefix {args.prefix!r}: expected /<stack>, e.g. /vclient", file=err)
        return 2
    openai_key = None
    if args.openai_key_stdin:
        openai_key = sys.stdin.readline().strip()
        if not openai_key:
            print("--openai-key-stdin: stdin was empty (pipe the key in)", file=err)
            return 2
    try:
        client = load_client(args.credentials, args.vox_api_url)
        rules_map = load_rules_map(Path(args.rules) if args.rules else None)
        done = setup(client, rules_map, application=args.application, dry_run=args.dry_run)
        app, results = done.application, done.rules
        secret_state = None
        if openai_key and not args.dry_run:
            secret_state = set_application_secret(client, app, OPENAI_SECRET_NAME, openai_key)
    except SetupError as exc:
        print(f"Voximplant setup failed: {exc}", file=err)
        return 1
    except VoximplantError as exc:
        print(f"Voximplant setup failed at {args.vox_api_url}: {exc}", file=err)
        return 1
    if args.dry_run:
        print("(dry run: nothing was changed)")
        return 0
    prefix = args.prefix or "/<stack>"
    if args.prefix:
        try:
            write_ssm(args.prefix, args.region, results)
        except SetupError as exc:
            print(f"SSM not written: {exc}. Run these instead:", file=err)
            print("\n".join(ssm_commands(prefix, results)))
            return 1
        print(f"\nWrote {', '.join(f'{prefix}/{engine_parameter(r.engine)}' for r in results)}.")
    else:
        print("\nPoint the stack at these rules (or re-run with --prefix /<stack>):")
        print("\n".join(ssm_commands(prefix, results)))
    if secret_state:
        print(f"Application secret {OPENAI_SECRET_NAME}: {secret_state}.")
    else:
        print(
            f"\nFor {parameter_name('key_mode')}=voximplant_secret the application needs the "
            f"secret {OPENAI_SECRET_NAME}: re-run with --openai-key-stdin (the key on stdin), or "
            + MANUAL_SECRET_STEP.format(app=app.application_name)
            + "."
        )
    return 0


def write_ssm(prefix: str, region: str | None, results: list[RuleResult]) -> None:
    import boto3
    import botocore.exceptions

    try:
        ssm = boto3.client("ssm", region_name=region) if region else boto3.client("ssm")
        write_routes(ssm, prefix, results)
    except botocore.exceptions.NoRegionError:
        raise SetupError("no AWS region: pass --region or set AWS_REGION") from None
    except botocore.exceptions.NoCredentialsError:
        raise SetupError("no AWS credentials (aws configure, or AWS_PROFILE)") from None
    except botocore.exceptions.ClientError as exc:
        error = exc.response.get("Error", {})
        raise SetupError(f"AWS refused: {error.get('Code')}: {error.get('Message')}") from None
    except botocore.exceptions.BotoCoreError as exc:
        raise SetupError(f"AWS unreachable: {exc}") from None
