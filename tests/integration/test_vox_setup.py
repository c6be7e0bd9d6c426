"""vclient vox setup against the fake Management API: scenarios uploaded, rules made and bound."""

from __future__ import annotations

from typing import Any

import pytest

from vclient.dal.voximplant import VoximplantClient, parse_credentials
from vclient_dev.vox_setup import default_bindings, setup


@pytest.fixture
def client(fake_vox: Any, service_account: Any) -> VoximplantClient:
    return VoximplantClient(
        parse_credentials(service_account[0]), base_url=f"{fake_vox.url}/platform_api"
    )


def test_setup_uploads_each_scenario_and_binds_its_rule(client: Any, fake_vox: Any) -> None:
    # Given an application with no rules yet
    fake_vox.rules.clear()
    # When setup runs
    routes = setup(client, "vclient", default_bindings(), say=lambda _: None)
    # Then each engine's rule exists and runs that engine's real scenario file
    assert {e: r["rule_name"] for e, r in routes.items()} == {
        "dialog": "voice_dialog",
        "realtime": "voice_realtime",
        "realtime_pure": "voice_realtime_pure",
    }
    for binding in default_bindings():
        assert fake_vox.scenarios[binding.scenario_name] == binding.path.read_text()
        assert fake_vox.rules[binding.rule_name].scenario_name == binding.scenario_name
    patterns = [r["params"]["rule_pattern"] for r in fake_vox.requests if r["cmd"] == "AddRule"]
    assert len(patterns) == 3 and all(p.endswith("_start_scenarios_only$") for p in patterns)
    # And running it again rewrites the scenarios without duplicating rules
    setup(client, "vclient", default_bindings(), say=lambda _: None)
    assert len(fake_vox.rules) == 3
    assert all("error" not in r.get("answer", {}) for r in fake_vox.requests)


def test_dry_run_changes_nothing(client: Any, fake_vox: Any) -> None:
    fake_vox.rules.clear()
    setup(client, "vclient", default_bindings(), dry_run=True, say=lambda _: None)
    assert fake_vox.scenarios == {} and fake_vox.rules == {}


def test_missing_application_is_a_clear_error(client: Any) -> None:
    with pytest.raises(ValueError, match="no Voximplant application named 'other'"):
        setup(client, "other", default_bindings(), say=lambda _: None)
