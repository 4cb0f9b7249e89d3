"""Grants: made by hand by the authority, checked against the published directory, states, revocation, lists."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from govshare.catalogue import service as catalogue
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError, Forbidden, IllegalTransition, Invalid, NotFound
from govshare.orgs.models import Department, Role
from govshare.sharing import service as sharing
from govshare.sharing.models import Grant
from govshare.sharing.service import GrantState
from tests.sharing import builders
from tests.sharing.conftest import last_audit

TODAY = date(2026, 11, 20)
OPERATOR = Actor.operator()


def _grant(session: Session, depts: dict[str, Department], **overrides: Any) -> Grant:
    resource = overrides.pop("resource", None) or builders.published(
        session, depts["provider"], "conditional"
    )
    values: dict[str, Any] = {
        "actor": OPERATOR,
        "consumer_department_id": depts["civil"].id,
        "resource_id": resource.id,
        "items": ["婚姻状况"],
        "purposes": ["440100-MZ-0031"],
        "valid_from": date(2026, 11, 1),
        "valid_until": date(2027, 10, 31),
        "today": TODAY,
    }
    values.update(overrides)
    return sharing.create_grant(session, **values)


def officer(dept: Department) -> Actor:
    return Actor(
        kind=builders.ActorKind.USER,
        id=800_000 + dept.id,
        name=f"officer{dept.id}",
        method=builders.Method.CONSOLE,
        department_id=dept.id,
        roles=frozenset({Role.DATA_OFFICER}),
    )


def test_the_authority_grants_items_and_purposes_and_it_is_audited(
    session: Session, depts: dict[str, Department]
) -> None:
    grant = _grant(session, depts, items=["月收入", "婚姻状况", "婚姻状况 "], note=" 低保审核 ")
    assert grant.items == ["婚姻状况", "月收入"]  # catalogue order, each once
    assert grant.approved_by == OPERATOR.name and grant.source == "manual"
    assert grant.note == "低保审核"
    assert sharing.grant_state(grant, today=TODAY) == GrantState.ACTIVE
    entry = last_audit(session)
    assert entry is not None and entry.action == "grant.create"
    assert entry.details["items"] == ["婚姻状况", "月收入"]
    assert entry.details["approved_by"] == OPERATOR.name


def test_the_application_workflow_grants_with_its_source_and_approver(
    session: Session, depts: dict[str, Department]
) -> None:
    resource = builders.published(session, depts["provider"], "conditional")
    # the provider's officer approving an application (next issue) may create the grant
    grant = _grant(
        session,
        depts,
        resource=resource,
        actor=officer(depts["provider"]),
        source="application",
        approved_by="王科长",
    )
    assert (grant.source, grant.approved_by) == ("application", "王科长")
    # deemed consent is granted by the sweep (GZ 26 ¶2)
    grant = _grant(
        session,
        depts,
        resource=resource,
        actor=Actor.system(),
        source="deemed_consent",
        approved_by="deemed consent (GZ 26)",
    )
    assert grant.granted_by == "platform"


@pytest.mark.parametrize(
    ("who", "source"),
    [("staff", "manual"), ("provider_officer", "manual"), ("other_officer", "application")],
)
def test_only_the_authority_grants_by_hand(
    session: Session, depts: dict[str, Department], who: str, source: str
) -> None:
    actor = {
        "staff": builders.staff(depts["civil"]),
        "provider_officer": officer(depts["provider"]),
        "other_officer": officer(depts["civil"]),
    }[who]
    with pytest.raises(Forbidden):
        _grant(session, depts, actor=actor, source=source)


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"items": ["病历"]}, "unknown_item"),
        ({"items": [" "]}, "missing_item"),
        ({"purposes": []}, "missing_purpose"),
        ({"purposes": ["has space"]}, "invalid_purpose_code"),
        ({"valid_from": date(2027, 1, 2), "valid_until": date(2027, 1, 1)}, "invalid_validity"),
        ({"valid_from": date(2026, 1, 1), "valid_until": date(2026, 11, 19)}, "invalid_validity"),
        ({"consumer_department_id": 999_999}, "department_not_found"),
        ({"resource_id": 999_999}, "resource_not_found"),
    ],
)
def test_a_grant_is_checked_first(
    session: Session, depts: dict[str, Department], overrides: dict[str, object], code: str
) -> None:
    with pytest.raises(DomainError) as caught:
        _grant(session, depts, **overrides)
    assert caught.value.code == code


def test_a_not_shared_resource_cannot_be_granted(
    session: Session, depts: dict[str, Department]
) -> None:
    resource = builders.published(session, depts["provider"], "none")
    with pytest.raises(Invalid) as caught:  # GZ 26 ¶3: verification only
        _grant(session, depts, resource=resource, items=["姓名"])
    assert caught.value.code == "not_shared"


def test_an_unpublished_resource_cannot_be_granted(
    session: Session, depts: dict[str, Department]
) -> None:
    draft = catalogue.create_resource(
        session,
        actor=OPERATOR,
        data=builders.catalogue_builders.resource_in(depts["provider"]),
    )
    with pytest.raises(NotFound):
        _grant(session, depts, resource=draft, items=["姓名"])


def test_states_follow_the_day_revocation_and_suspension(
    session: Session, depts: dict[str, Department]
) -> None:
    grant = _grant(session, depts, valid_from=date(2026, 12, 1), valid_until=date(2026, 12, 31))
    assert sharing.grant_state(grant, today=date(2026, 11, 30)) == GrantState.NOT_YET_VALID
    assert sharing.grant_state(grant, today=date(2026, 12, 1)) == GrantState.ACTIVE
    assert (
        sharing.grant_state(grant, today=date(2026, 12, 31)) == GrantState.ACTIVE
    )  # last day counts
    assert sharing.grant_state(grant, today=date(2027, 1, 1)) == GrantState.EXPIRED
    grant.suspended = True
    assert sharing.grant_state(grant, today=date(2026, 12, 5)) == GrantState.SUSPENDED
    grant.suspended = False
    sharing.revoke_grant(session, actor=OPERATOR, grant_id=grant.id, reason="不再需要")
    assert sharing.grant_state(grant, today=date(2026, 12, 5)) == GrantState.REVOKED


def test_revocation_needs_a_reason_the_provider_or_authority_and_happens_once(
    session: Session, depts: dict[str, Department]
) -> None:
    grant = _grant(session, depts)
    with pytest.raises(Invalid):
        sharing.revoke_grant(session, actor=OPERATOR, grant_id=grant.id, reason="  ")
    for outsider in (officer(depts["civil"]), builders.staff(depts["provider"])):
        with pytest.raises(Forbidden):
            sharing.revoke_grant(session, actor=outsider, grant_id=grant.id, reason="x")
    sharing.revoke_grant(
        session, actor=officer(depts["provider"]), grant_id=grant.id, reason="核查发现超范围使用"
    )
    assert grant.revoked_by == f"officer{depts['provider'].id}"
    assert grant.revoked_reason == "核查发现超范围使用" and grant.revoked_at is not None
    entry = last_audit(session)
    assert entry is not None and entry.action == "grant.revoke"
    assert entry.details["reason"] == "核查发现超范围使用"
    with pytest.raises(IllegalTransition):
        sharing.revoke_grant(session, actor=OPERATOR, grant_id=grant.id, reason="again")
    with pytest.raises(NotFound):
        sharing.revoke_grant(session, actor=OPERATOR, grant_id=999_999, reason="x")


def test_lists_held_and_given_with_states_and_scopes(
    session: Session, depts: dict[str, Department]
) -> None:
    resource = builders.published(session, depts["provider"], "conditional")
    active = _grant(session, depts, resource=resource)
    revoked = _grant(session, depts, resource=resource)
    sharing.revoke_grant(session, actor=OPERATOR, grant_id=revoked.id, reason="x")
    police = _grant(session, depts, resource=resource, consumer_department_id=depts["police"].id)

    held = sharing.grants_held(session, actor=builders.staff(depts["civil"]), today=TODAY)
    assert [(v.grant.id, v.state) for v in held.items] == [
        (revoked.id, GrantState.REVOKED),
        (active.id, GrantState.ACTIVE),
    ]
    assert held.items[0].resource_code == resource.code
    only_active = sharing.grants_held(
        session, actor=builders.staff(depts["civil"]), today=TODAY, state=GrantState.ACTIVE
    )
    assert [v.grant.id for v in only_active.items] == [active.id]
    with pytest.raises(Forbidden):
        sharing.grants_held(
            session,
            actor=builders.staff(depts["civil"]),
            today=TODAY,
            department_id=depts["police"].id,
        )

    given = sharing.grants_given(session, actor=officer(depts["provider"]), today=TODAY)
    assert {v.grant.id for v in given.items} == {active.id, revoked.id, police.id}
    assert sharing.grants_given(session, actor=officer(depts["civil"]), today=TODAY).total == 0
    everyone = sharing.grants_held(session, actor=OPERATOR, today=TODAY)
    assert {active.id, revoked.id, police.id} <= {v.grant.id for v in everyone.items}
    expired_later = sharing.grants_held(
        session, actor=OPERATOR, today=date(2027, 11, 1), state=GrantState.EXPIRED
    )
    assert {active.id, police.id} <= {v.grant.id for v in expired_later.items}
