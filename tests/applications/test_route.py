"""Cross-level and cross-region applications record their route (GZ 27; ZS 24; JS 14).

GZ 27: the procedure of GZ 26 through the municipal and district platforms (a direct route,
noted as cross-level). ZS 24: the request goes to the data department, which applies upward
(each data department is a hop, and is told). The deadlines are those of any application.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from govshare.catalogue.models import Resource
from govshare.orgs.models import Department, DepartmentKind, Level, Role, User
from govshare.sharing import applications
from govshare.sharing.application_models import Application
from tests.applications.conftest import CONDITIONAL, PURPOSE, Parties, apply, notes
from tests.orgs import builders as org_builders
from tests.sharing import builders as sharing_builders
from tests.web_support import login

DAY = date(2026, 11, 2)  # GZ 26 / ZS 22: due 5 working days later, 11-09


@dataclass
class District:
    data_department: Department
    officer: User  # of the district data department
    department: Department
    staff: User
    resource: Resource  # a conditional resource the district department provides


def _district(session: Session, p: Parties, region: str) -> District:
    zsj = org_builders.department(
        session,
        level=Level.DISTRICT,
        kind=DepartmentKind.AUTHORITY,
        parent_id=p.authority.id,
        region=region,
    )
    dept = org_builders.department(
        session,
        level=Level.DISTRICT,
        kind=DepartmentKind.HOUSING,
        parent_id=zsj.id,
        region=region,
    )
    return District(
        data_department=zsj,
        officer=org_builders.user(session, role=Role.DATA_OFFICER, dept=zsj),
        department=dept,
        staff=org_builders.user(session, role=Role.STAFF, dept=dept),
        resource=sharing_builders.published(session, dept, "conditional"),
    )


def _apply(session: Session, staff: User, resource: Resource) -> Application:
    return applications.submit(
        session,
        actor=org_builders.actor_of(staff),
        resource_id=resource.id,
        items=CONDITIONAL,
        expected_volume="",
        period_from=DAY,
        period_until=date(2027, 6, 30),
        involves_secret_or_privacy=True,  # JS 18 sets a limit only for these
        today=DAY,
        purpose_text=str(PURPOSE["purpose_text"]),
        legal_basis=str(PURPOSE["legal_basis"]),
        purposes=list(PURPOSE["purposes"]),
    )


def _hops(application: Application) -> list[tuple[int, str, str]]:
    assert application.route is not None
    return [(h["department_id"], h["level"], h["role"]) for h in application.route["hops"]]


def test_one_level_and_region_has_no_route(session: Session, parties: Parties) -> None:
    a = apply(session, parties, today=DAY)
    assert a.route is None


def test_gz_district_to_municipal_is_direct_and_noted_cross_level(
    session: Session, parties: Parties
) -> None:
    # GZ 27: the procedure of GZ 26, through the municipal and district platforms
    yx = _district(session, parties, "越秀区")
    a = _apply(session, yx.staff, parties.resource)
    assert a.route is not None
    assert a.route["procedure"] == "same_procedure" and a.route["article"] == "GZ 27"
    assert a.route["cross_level"] is True and a.route["cross_region"] is False
    assert _hops(a) == [
        (yx.department.id, "district", "applicant"),
        (parties.provider.id, "municipal", "provider"),
    ]
    assert a.route["hops"][0]["name"] == yx.department.name
    assert a.due_on == date(2026, 11, 9)  # the same deadline as any application
    assert notes(session, yx.officer, "application.routed") == 0
    assert notes(session, parties.officer, "application.new") == 1


def test_zs_district_to_municipal_passes_the_data_departments(
    session: Session, parties: Parties, use_profile: Callable[[str], None]
) -> None:
    # ZS 24: apply to the data department, which applies to the superior data department
    use_profile("zhongshan")
    yx = _district(session, parties, "越秀区")
    a = _apply(session, yx.staff, parties.resource)
    assert a.route is not None and a.route["procedure"] == "via_authority"
    assert a.route["article"] == "ZS 24"
    assert _hops(a) == [
        (yx.department.id, "district", "applicant"),
        (yx.data_department.id, "district", "data_department"),
        (parties.authority.id, "municipal", "data_department"),
        (parties.provider.id, "municipal", "provider"),
    ]
    assert a.due_on == date(2026, 11, 9)  # ZS 22's 5 business days, as for any application
    # the data departments on the way and the authority are told; the authority lists it
    assert notes(session, yx.officer, "application.routed") == 1
    assert notes(session, parties.admin, "application.routed") == 1
    seen = applications.list_applications(
        session, actor=org_builders.actor_of(parties.admin), today=DAY, box="all"
    )
    assert a.id in [v.application.id for v in seen.items]


def test_zs_municipal_to_district_goes_down_through_the_district_data_department(
    session: Session, parties: Parties, use_profile: Callable[[str], None]
) -> None:
    use_profile("zhongshan")
    yx = _district(session, parties, "越秀区")
    a = _apply(session, parties.staff, yx.resource)
    assert _hops(a) == [
        (parties.consumer.id, "municipal", "applicant"),
        (parties.authority.id, "municipal", "data_department"),
        (yx.data_department.id, "district", "data_department"),
        (yx.department.id, "district", "provider"),
    ]


def test_zs_cross_region_passes_both_districts_and_the_municipal_data_department(
    session: Session, parties: Parties, use_profile: Callable[[str], None]
) -> None:
    use_profile("zhongshan")
    yx, hz = _district(session, parties, "越秀区"), _district(session, parties, "海珠区")
    a = _apply(session, yx.staff, hz.resource)
    assert a.route is not None
    assert a.route["cross_level"] is False and a.route["cross_region"] is True
    assert [h[0] for h in _hops(a)] == [
        yx.department.id,
        yx.data_department.id,
        parties.authority.id,
        hz.data_department.id,
        hz.department.id,
    ]
    assert notes(session, hz.officer, "application.routed") == 1


@pytest.mark.parametrize("profile", ["jiangsu", "zhengzhou"])
def test_a_silent_profile_takes_the_documented_direct_route(
    session: Session, parties: Parties, use_profile: Callable[[str], None], profile: str
) -> None:
    # JS 14 / ZZ 6 set no cross-level procedure: direct, marked as the text being silent
    use_profile(profile)
    yx = _district(session, parties, "越秀区")
    a = _apply(session, yx.staff, parties.resource)
    assert a.route is not None
    assert a.route["procedure"] == "same_procedure" and a.route["profile_silent"] is True
    assert [h[2] for h in _hops(a)] == ["applicant", "provider"]


def test_the_route_is_on_the_audit_entry(session: Session, parties: Parties) -> None:
    from sqlalchemy import select

    from govshare.audit.models import AuditEntry

    yx = _district(session, parties, "越秀区")
    a = _apply(session, yx.staff, parties.resource)
    entry = session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "application.submit", AuditEntry.object_id == str(a.id)
        )
    )
    assert entry is not None and entry.details["route"]["hops"][1]["role"] == "provider"


def test_the_application_page_shows_the_route(
    session: Session, parties: Parties, client: TestClient, use_profile: Callable[[str], None]
) -> None:
    use_profile("zhongshan")
    yx = _district(session, parties, "越秀区")
    a = _apply(session, yx.staff, parties.resource)
    login(client, yx.staff.username)
    page = client.get(f"/applications/{a.id}")
    assert page.status_code == 200
    assert 'data-testid="application-route"' in page.text and "ZS 24" in page.text
    hops = page.text[page.text.index('data-testid="route-hops"') :]
    assert hops.index(yx.data_department.name) < hops.index(parties.authority.name)
    assert hops.count("data-hop-role=") == 4
