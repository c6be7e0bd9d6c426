"""vclient vox setup against the strict fake Management API: request shapes, order, idempotency."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path
from typing import Any

import pytest

from vclient.dal.voximplant import VoximplantApiError, VoximplantClient, parse_credentials
from vclient_dev.vox_setup import (
    SetupError,
    load_rules_map,
    main,
    rule_pattern,
    set_application_secret,
    setup,
    source_hash,
)

WRITES = {"AddScenario", "SetScenarioInfo", "AddRule", "BindScenario", "AddSecret"}


def write_rules_map(root: Path) -> Path:
    """A small rule map shaped like voximplant/rules.json, with its own scenario files."""
    for name, text in {
        "lib_call.js": "// shared call code\n",
        "lib_rt.js": "// shared realtime code\n",
        "d.js": "// dialog\n",
        "r.js": "// realtime\n",
        "p.js": "// pure\n",
    }.items():
        (root / name).write_text(text)
    path = root / "rules.json"
    path.write_text(
        json.dumps(
            {
                "application": "vclient",
                "scenarios": {
                    "lib_call": "lib_call.js",
                    "lib_rt": "lib_rt.js",
                    "voice_dialog": "d.js",
                    "voice_realtime": "r.js",
                    "voice_realtime_pure": "p.js",
                },
                "rules": {
                    "voice_dialog": {"engine": "dialog", "scenarios": ["lib_call", "voice_dialog"]},
                    "voice_realtime": {
                        "engine": "realtime",
                        "scenarios": ["lib_call", "lib_rt", "voice_realtime"],
                    },
                    "voice_realtime_pure": {
                        "engine": "realtime_pure",
                        "scenarios": ["lib_call", "lib_rt", "voice_realtime_pure"],
                    },
                },
            }
        )
    )
    return path


@pytest.fixture
def rules_path(tmp_path: Path) -> Path:
    return write_rules_map(tmp_path)


@pytest.fixture
def client(fake_vox: Any, service_account: Any) -> VoximplantClient:
    return VoximplantClient(
        parse_credentials(service_account[0]), base_url=f"{fake_vox.url}/platform_api"
    )


def quiet(_: str) -> None:
    pass


def cmds(fake_vox: Any) -> list[str]:
    return [r["cmd"] for r in fake_vox.requests]


def test_fresh_account_gets_scenarios_in_the_application_and_rules_with_their_lists(
    client: Any, fake_vox: Any, rules_path: Path
) -> None:
    # Given an application with no scenarios and no rules
    app = fake_vox.applications[0]
    # When setup runs
    done = setup(client, load_rules_map(rules_path), say=quiet)
    # Then the application was resolved once by name and every later call used its id
    first = fake_vox.requests[0]
    assert (first["cmd"], first["params"]) == ("GetApplications", {"application_name": "vclient"})
    assert done.application.application_name == "vclient.local.voximplant.com"
    for request in fake_vox.requests[1:]:
        assert "application_name" not in request["params"]
    # And each scenario was added once, into the application, with its file's text
    adds = [r["params"] for r in fake_vox.requests if r["cmd"] == "AddScenario"]
    assert [a["scenario_name"] for a in adds] == [  # in order of first use
        "lib_call",
        "voice_dialog",
        "lib_rt",
        "voice_realtime",
        "voice_realtime_pure",
    ]
    assert all(a["application_id"] == str(app.application_id) for a in adds)
    assert fake_vox.scenarios["lib_rt"].script == (rules_path.parent / "lib_rt.js").read_text()
    # And each rule was created carrying its ordered scenario list (no rule without a scenario)
    rules = [r["params"] for r in fake_vox.requests if r["cmd"] == "AddRule"]
    ids = {name: s.scenario_id for name, s in fake_vox.scenarios.items()}
    assert rules[1]["scenario_id"] == f"{ids['lib_call']};{ids['lib_rt']};{ids['voice_realtime']}"
    assert rules[0]["rule_pattern"] == rule_pattern("voice_dialog")
    assert "BindScenario" not in cmds(fake_vox)
    assert fake_vox.rules["voice_realtime_pure"].scenario_names == [
        "lib_call",
        "lib_rt",
        "voice_realtime_pure",
    ]
    # And the routes address each rule by id
    assert done.routes["realtime"] == {
        "rule_id": fake_vox.rules["voice_realtime"].rule_id,
        "rule_name": "voice_realtime",
        "application_id": app.application_id,
        "scenario_name": "voice_realtime",
    }
    assert all("error" not in r["answer"] for r in fake_vox.requests)


def test_rerun_with_nothing_changed_writes_nothing(
    client: Any, fake_vox: Any, rules_path: Path
) -> None:
    first = setup(client, load_rules_map(rules_path), say=quiet)
    fake_vox.requests.clear()
    second = setup(client, load_rules_map(rules_path), say=quiet)
    assert not WRITES & set(cmds(fake_vox))
    assert second.routes == first.routes
    assert [r.source_hash for r in second.rules] == [r.source_hash for r in first.rules]


def test_changed_source_is_updated_in_place_and_changes_that_rules_hash(
    client: Any, fake_vox: Any, rules_path: Path
) -> None:
    first = setup(client, load_rules_map(rules_path), say=quiet)
    scenario_id = fake_vox.scenarios["voice_dialog"].scenario_id
    fake_vox.requests.clear()
    # When one scenario file changes
    (rules_path.parent / "d.js").write_text("// dialog, edited\n")
    second = setup(client, load_rules_map(rules_path), say=quiet)
    # Then only that scenario is rewritten, in place, by id
    writes = [r for r in fake_vox.requests if r["cmd"] in WRITES]
    assert [(w["cmd"], w["params"]["scenario_id"]) for w in writes] == [
        ("SetScenarioInfo", str(scenario_id))
    ]
    assert fake_vox.scenarios["voice_dialog"].script == "// dialog, edited\n"
    hashes = {
        r.engine: (a.source_hash, r.source_hash)
        for a, r in zip(first.rules, second.rules, strict=False)
    }
    assert hashes["dialog"][0] != hashes["dialog"][1]
    assert hashes["realtime"][0] == hashes["realtime"][1]


def test_existing_rule_with_a_wrong_list_is_rebound_in_order(
    client: Any, fake_vox: Any, rules_path: Path
) -> None:
    # Given a rule bound the old way: only its engine scenario, plus a stray one
    setup(client, load_rules_map(rules_path), say=quiet)
    rule = fake_vox.rules["voice_dialog"]
    rule.bound = [fake_vox.scenarios["voice_dialog"], fake_vox.scenarios["lib_rt"]]
    fake_vox.requests.clear()
    # When setup runs again
    setup(client, load_rules_map(rules_path), say=quiet)
    # Then the old list is unbound and the wanted one bound, by ids, in order
    binds = [r["params"] for r in fake_vox.requests if r["cmd"] == "BindScenario"]
    assert [(b["bind"], b["rule_id"]) for b in binds] == [
        ("false", str(rule.rule_id)),
        ("true", str(rule.rule_id)),
    ]
    assert fake_vox.rules["voice_dialog"].scenario_names == ["lib_call", "voice_dialog"]


def test_dry_run_changes_nothing(client: Any, fake_vox: Any, rules_path: Path) -> None:
    setup(client, load_rules_map(rules_path), dry_run=True, say=quiet)
    assert fake_vox.scenarios == {} and fake_vox.rules == {}
    assert not WRITES & set(cmds(fake_vox))


def test_application_is_matched_exactly_not_by_substring(
    client: Any, fake_vox: Any, rules_path: Path
) -> None:
    # Given an account with "vclient2" too (GetApplications filters by substring)
    other = fake_vox.add_application("vclient2")
    done = setup(client, load_rules_map(rules_path), say=quiet)
    assert done.application.application_id != other.application_id
    with pytest.raises(SetupError, match="no Voximplant application named 'other'"):
        setup(client, load_rules_map(rules_path), application="other", say=quiet)


def test_rule_map_problems_name_the_file_and_the_entry(tmp_path: Path, client: Any) -> None:
    path = write_rules_map(tmp_path)
    (tmp_path / "lib_rt.js").unlink()
    with pytest.raises(SetupError, match=r"scenario lib_rt: .*lib_rt\.js does not exist"):
        setup(client, load_rules_map(path), say=quiet)
    data = json.loads(path.read_text())
    data["rules"]["voice_dialog"]["scenarios"] = ["lib_call", "nope"]
    path.write_text(json.dumps(data))
    with pytest.raises(SetupError, match=r"rule 'voice_dialog' names unknown scenarios \['nope'\]"):
        load_rules_map(path)
    path.write_text("{")
    with pytest.raises(SetupError, match="line 1: not valid JSON"):
        load_rules_map(path)


def test_real_rule_map_names_every_engine_once() -> None:
    rules_map = load_rules_map()
    assert sorted(r.engine for r in rules_map.rules) == ["dialog", "realtime", "realtime_pure"]
    assert all(len(s.name) < 30 for s in rules_map.scenarios())


# -- the strict fake -------------------------------------------------------------------------------


def test_fake_refuses_add_rule_without_a_scenario(client: Any, fake_vox: Any) -> None:
    app = fake_vox.applications[0]
    with pytest.raises(VoximplantApiError) as refused:
        client.call(
            "AddRule",
            {"application_id": app.application_id, "rule_name": "x", "rule_pattern": ".*"},
        )
    assert refused.value.code == 101 and "scenario_id or scenario_name" in refused.value.msg


def test_start_by_rule_id_is_normal_and_by_name_can_be_switched_off(
    client: Any, fake_vox: Any
) -> None:
    rule = fake_vox.add_rule("voice_dialog", "vclient", "voice_dialog")
    assert client.start_scenarios(script_custom_data="{}", rule_id=rule.rule_id)
    by_name = {"rule_name": "voice_dialog", "application_name": "vclient"}
    assert client.start_scenarios(script_custom_data="{}", **by_name)
    fake_vox.accept_rule_name = False
    with pytest.raises(VoximplantApiError) as refused:
        client.start_scenarios(script_custom_data="{}", **by_name)
    assert refused.value.code == 101
    assert client.start_scenarios(script_custom_data="{}", rule_id=rule.rule_id)


@pytest.mark.parametrize(
    ("offset_s", "accepted"),
    [(0, True), (50, True), (-50, True), (-63, True), (-70, False), (3700, False)],
)
def test_fake_tolerates_a_minute_of_clock_skew_and_no_more(
    service_account: Any, fake_vox: Any, offset_s: float, accepted: bool
) -> None:
    # -63 s passes only because the client back-dates iat by 5 s (the fake allows 60 s).
    fake_vox.clock_offset_s = offset_s
    client = VoximplantClient(
        parse_credentials(service_account[0]), base_url=f"{fake_vox.url}/platform_api"
    )
    if accepted:
        assert client.call("GetApplications", {})["result"]
    else:
        with pytest.raises(VoximplantApiError) as refused:
            client.call("GetApplications", {})
        assert refused.value.code == 100


def test_source_hash_depends_on_order_and_names() -> None:
    a, b = ("lib", "x"), ("main", "y")
    assert source_hash([a, b]) != source_hash([b, a])
    assert source_hash([a, b]) == source_hash([("lib", "x"), ("main", "y")])


def test_openai_secret_is_added_then_updated_and_never_recorded(
    client: Any, fake_vox: Any, rules_path: Path
) -> None:
    app = setup(client, load_rules_map(rules_path), say=quiet).application
    assert set_application_secret(client, app, "OPENAI_API_KEY", "sk-one") == "added"
    assert set_application_secret(client, app, "OPENAI_API_KEY", "sk-two") == "updated"
    assert fake_vox.secrets[(app.application_id, "OPENAI_API_KEY")][1] == "sk-two"
    assert "sk-one" not in json.dumps(fake_vox.requests)


def test_secret_refusal_prints_the_manual_step(
    client: Any, fake_vox: Any, rules_path: Path
) -> None:
    from vclient_dev.fake_vox import Fault

    app = setup(client, load_rules_map(rules_path), say=quiet).application
    fake_vox.faults.append(Fault(kind="error", code=101, msg="Invalid arguments", cmd="AddSecret"))
    with pytest.raises(SetupError, match=r"control panel → Applications → vclient\.local"):
        set_application_secret(client, app, "OPENAI_API_KEY", "sk-x")


# -- the command -----------------------------------------------------------------------------------


def args_for(fake_vox: Any, creds: Path, rules: Path, **extra: Any) -> argparse.Namespace:
    values = {
        "credentials": str(creds),
        "application": None,
        "dry_run": False,
        "vox_api_url": f"{fake_vox.url}/platform_api",
        "prefix": None,
        "region": None,
        "rules": str(rules),
        "openai_key_stdin": False,
    }
    values.update(extra)
    return argparse.Namespace(**values)


@pytest.fixture
def creds(tmp_path: Path, service_account: Any) -> Path:
    path = tmp_path / "key.json"
    path.write_text(json.dumps(service_account[0]))
    return path


def test_prefix_writes_rule_id_routes_the_stack_can_parse(
    fake_vox: Any, creds: Path, rules_path: Path, capsys: Any
) -> None:
    import boto3
    from moto import mock_aws

    from vclient.logic.config import parse_config

    with mock_aws():
        # When setup runs with the stack's prefix
        rc = main(args_for(fake_vox, creds, rules_path, prefix="/teststack", region="us-east-1"))
        assert rc == 0
        ssm = boto3.client("ssm", region_name="us-east-1")
        values = {
            p["Name"].removeprefix("/teststack/"): p["Value"]
            for p in ssm.get_parameters_by_path(Path="/teststack", Recursive=True)["Parameters"]
        }
    # Then the three engines point at the rules by id, in a shape the stack accepts
    routing = parse_config(values).routing
    assert routing.engines["dialog"].rule_id == fake_vox.rules["voice_dialog"].rule_id
    assert set(routing.engines) == {"dialog", "realtime", "realtime_pure"}
    assert "Wrote /teststack/engines/dialog" in capsys.readouterr().out


def test_without_prefix_the_exact_commands_are_printed(
    fake_vox: Any, creds: Path, rules_path: Path, capsys: Any
) -> None:
    assert main(args_for(fake_vox, creds, rules_path)) == 0
    out = capsys.readouterr().out
    rule_id = fake_vox.rules["voice_realtime_pure"].rule_id
    assert (
        "aws ssm put-parameter --overwrite --type String --name /<stack>/engines/realtime_pure "
        f'--value \'{{"rule_id":{rule_id},' in out
    )
    assert "--openai-key-stdin" in out


def test_openai_key_comes_from_stdin(
    fake_vox: Any, creds: Path, rules_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("sk-from-stdin\n"))
    assert main(args_for(fake_vox, creds, rules_path, openai_key_stdin=True)) == 0
    assert "OPENAI_API_KEY: added" in capsys.readouterr().out
    assert tuple(v for _, v in fake_vox.secrets.values()) == ("sk-from-stdin",)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "cannot read"),
        ("{", "line 1: not valid JSON"),
        ('{"account_id": 1}', "need either a service-account key"),
    ],
)
def test_bad_credentials_file_is_one_line_naming_it(
    fake_vox: Any, tmp_path: Path, rules_path: Path, capsys: Any, content: str | None, expected: str
) -> None:
    path = tmp_path / "creds.json"
    if content is not None:
        path.write_text(content)
    assert main(args_for(fake_vox, path, rules_path)) == 1
    err = capsys.readouterr().err
    assert str(path) in err and expected in err and "Traceback" not in err


def test_unreachable_management_api_is_one_line(
    creds: Path, rules_path: Path, capsys: Any, fake_vox: Any
) -> None:
    args = args_for(fake_vox, creds, rules_path, vox_api_url="http://127.0.0.1:9/platform_api")
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "http://127.0.0.1:9/platform_api" in err and "could not connect" in err
