"""Roles decided from the authorizer's claims (or the API key), as every handler edge asks."""

from __future__ import annotations

import pytest

from vclient.logic.auth import RoleForbidden, groups_of, principal_of, require


def claims(groups: object) -> dict[str, object]:
    return {"authorizer": {"claims": {"cognito:username": "u", "cognito:groups": groups}}}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("admin", ("admin",)),
        ("viewer,trainer", ("viewer", "trainer")),
        ("[viewer trainer]", ("viewer", "trainer")),
        (["admin"], ("admin",)),
        (None, ()),
        ("", ()),
    ],
)
def test_groups_are_read_in_every_shape_api_gateway_passes(value: object, expected: tuple) -> None:
    assert groups_of(value) == expected


def test_the_strongest_group_wins_and_each_role_gets_its_permissions() -> None:
    assert principal_of(claims("viewer,admin")).role == "admin"
    viewer = principal_of(claims("viewer"))
    assert viewer.may("read") and not viewer.may("place_calls")
    trainer = principal_of(claims("trainer"))
    assert trainer.may("place_calls") and not trainer.may("change_routing")
    with pytest.raises(RoleForbidden) as refused:
        require(viewer, "place_calls")
    assert refused.value.status == 403
    assert refused.value.body()["code"] == "role_forbidden"


def test_an_api_key_is_a_machine_client_that_never_changes_the_routing() -> None:
    machine = principal_of({"identity": {"apiKey": "k"}})
    assert machine.may("place_calls")
    assert not machine.may("change_routing")


def test_no_claims_and_no_key_may_do_nothing() -> None:
    nobody = principal_of({"identity": {"apiKey": None}})
    assert not nobody.may("read")
    assert not principal_of(claims("others")).may("read")
