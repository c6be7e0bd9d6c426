"""Uploads the three scenarios to a Voximplant application and binds each to its rule.

    vclient vox setup --credentials service-account.json [--application vclient] [--dry-run]

Management API methods used (docs: AddScenario, GetRules, AddRule, BindScenario,
GetApplications): the application must exist; scenarios are created or rewritten in place;
missing rules are created with a pattern that matches no inbound number (these rules are only
started with StartScenarios); each rule is (re)bound to its scenario with BindScenario, because
SetRuleInfo may silently ignore a scenario change. Secrets (OPENAI_API_KEY) stay a manual step.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vclient.dal.voximplant import VoximplantApiError, VoximplantClient, parse_credentials
from vclient_dev.template import ROOT, load_template, parameter_defaults

SCENARIO_DIR = ROOT / "voximplant"
MAX_SCRIPT_BYTES = 128 * 1024


@dataclass(frozen=True)
class Binding:
    engine: str
    scenario_name: str
    rule_name: str

    @property
    def path(self) -> Path:
        return SCENARIO_DIR / f"scenario_{self.scenario_name}.js"


def default_bindings() -> list[Binding]:
    """The template's defaults: engine → scenario and rule names."""
    defaults = parameter_defaults(load_template())
    return [
        Binding("dialog", defaults["DialogScenarioName"], defaults["DialogRuleName"]),
        Binding("realtime", defaults["RealtimeScenarioName"], defaults["RealtimeRuleName"]),
        Binding(
            "realtime_pure", defaults["RealtimePureScenarioName"], defaults["RealtimePureRuleName"]
        ),
    ]


def setup(
    client: VoximplantClient,
    application: str,
    bindings: list[Binding],
    *,
    dry_run: bool = False,
    say: Callable[[str], None] = print,
) -> dict[str, dict[str, Any]]:
    """Makes the application hold each scenario and rule; returns the engine → route mapping."""
    for binding in bindings:
        if len(binding.scenario_name) >= 30:
            raise ValueError(f"scenario name {binding.scenario_name!r} must be under 30 chars")
        size = len(binding.path.read_bytes())
        if size >= MAX_SCRIPT_BYTES:
            raise ValueError(f"{binding.path.name} is {size} bytes; Voximplant takes < 128 KB")

    apps = client.call("GetApplications", {"application_name": application}).get("result", [])
    if not apps:
        raise ValueError(
            f"no Voximplant application named {application!r}: create it in the control panel"
        )
    existing = {
        rule["rule_name"]: rule
        for rule in client.call(
            "GetRules", {"application_name": application, "with_scenarios": True}
        ).get("result", [])
    }
    routes: dict[str, dict[str, Any]] = {}
    for binding in bindings:
        script = binding.path.read_text(encoding="utf-8")
        say(f"scenario {binding.scenario_name}: upload {binding.path.name} ({len(script)} chars)")
        if not dry_run:
            client.call(
                "AddScenario",
                {
                    "scenario_name": binding.scenario_name,
                    "scenario_script": script,
                    "rewrite": True,
                },
            )
        if binding.rule_name not in existing:
            say(f"rule {binding.rule_name}: create in {application}")
            if not dry_run:
                client.call(
                    "AddRule",
                    {
                        "application_name": application,
                        "rule_name": binding.rule_name,
                        # Never matches an inbound number: the rule only runs via StartScenarios.
                        "rule_pattern": f"^{binding.rule_name}_start_scenarios_only$",
                    },
                )
        say(f"rule {binding.rule_name}: bind scenario {binding.scenario_name}")
        if not dry_run:
            client.call(
                "BindScenario",
                {
                    "application_name": application,
                    "rule_name": binding.rule_name,
                    "scenario_name": binding.scenario_name,
                    "bind": True,
                },
            )
        routes[binding.engine] = {
            "rule_name": binding.rule_name,
            "application_name": application,
            "scenario_name": binding.scenario_name,
        }
    return routes


def main(args: Any) -> int:
    try:
        raw = json.loads(Path(args.credentials).read_text())
        credentials = parse_credentials(raw)
    except (OSError, ValueError) as exc:
        print(f"credentials: {exc}")
        return 2
    client = VoximplantClient(credentials, base_url=args.vox_api_url)
    try:
        routes = setup(client, args.application, default_bindings(), dry_run=args.dry_run)
    except (ValueError, VoximplantApiError) as exc:
        print(f"Voximplant setup failed: {exc}")
        return 1
    print("\nThe stack's engine parameters for these rules (the template's defaults):")
    for engine, route in routes.items():
        print(f"  /<stack>/engines/{engine} = {json.dumps(route)}")
    if args.dry_run:
        print("(dry run: nothing was changed)")
    return 0
