"""Console pages /quality/divergences and /quality/source-links (ZS Art. 17; JS Art. 11)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from govshare.quality.divergence import open_subject
from govshare.quality.models import Divergence, DivergenceState, SourceLink
from tests.quality import builders as q
from tests.web_support import login


def test_the_authority_declares_a_link_from_the_console(
    session: Session, client: TestClient
) -> None:
    p = q.pair(session, linked=False)
    token = login(client, p.admin.username)
    page = client.get("/quality/source-links")
    assert page.status_code == 200
    assert f'value="{p.civil_resource_id}:{q.ITEM}"' in page.text
    r = client.post(
        "/quality/source-links",
        data={
            "csrf_token": token,
            "side_a": f"{p.civil_resource_id}:{q.ITEM}",
            "side_b": f"{p.health_resource_id}:{q.ITEM}",
            "source": "b",
        },
    )
    assert r.status_code == 303
    link = session.query(SourceLink).one()
    assert link.source_resource_id == p.health_resource_id
    r = client.post(
        "/quality/source-links",
        data={"csrf_token": token, "side_a": f"{p.civil_resource_id}:{q.ITEM}", "side_b": ""},
    )
    assert r.status_code == 303
    assert session.query(SourceLink).count() == 1  # refused: side B missing
    listed = client.get("/quality/source-links").text
    assert 'data-testid="link-row"' in listed


def test_case_list_and_detail_side_by_side_and_the_actions(
    session: Session, client: TestClient
) -> None:
    p = q.pair(session)
    case_id = q.one_case(session, p)
    subject = open_subject(session.get_one(Divergence, case_id))
    token = login(client, p.admin.username)
    listing = client.get("/quality/divergences")
    assert listing.status_code == 200 and f"#{case_id}" in listing.text
    assert subject in listing.text  # unmasked for the authority
    assert "离异" in listing.text
    detail = client.get(f"/quality/divergences/{case_id}")
    assert (
        'data-testid="side-by-side"' in detail.text and 'data-testid="assign-form"' in detail.text
    )
    r = client.post(
        f"/quality/divergences/{case_id}/assign",
        data={"csrf_token": token, "department_id": str(p.health.id)},
    )
    assert r.status_code == 303
    case = session.get_one(Divergence, case_id)
    session.refresh(case)
    assert case.state == DivergenceState.ASSIGNED and case.assigned_department_id == p.health.id
    r = client.post(
        f"/quality/divergences/{case_id}/dismiss", data={"csrf_token": token, "reason": ""}
    )
    assert r.status_code == 303
    session.refresh(case)
    assert case.state == DivergenceState.ASSIGNED  # refused: no reason, shown as a flash
    # Filters: nothing is dismissed yet.
    assert f"#{case_id}" not in client.get("/quality/divergences?state=dismissed").text


def test_the_verifying_provider_resolves_in_the_console_with_masked_subject(
    session: Session, client: TestClient
) -> None:
    p = q.pair(session)
    case_id = q.one_case(session, p)
    from govshare.quality import cases

    cases.assign(
        session, actor=q.OPERATOR, divergence_id=case_id, department_id=p.health.id, today=q.TODAY
    )
    subject = open_subject(session.get_one(Divergence, case_id))
    token = login(client, p.health_user.username)
    detail = client.get(f"/quality/divergences/{case_id}").text
    assert subject not in detail and subject[:6] + "********" + subject[-4:] in detail
    assert 'data-testid="resolve-form"' in detail and 'data-testid="assign-form"' not in detail
    r = client.post(
        f"/quality/divergences/{case_id}/resolve",
        data={"csrf_token": token, "correct": "b", "note": "checked"},
    )
    assert r.status_code == 303
    case = session.get_one(Divergence, case_id)
    session.refresh(case)
    assert case.state == DivergenceState.RESOLVED and case.correct_side == "b"


def test_the_other_provider_sees_only_its_own_value_and_no_actions(
    session: Session, client: TestClient
) -> None:
    p = q.pair(session)
    case_id = q.one_case(session, p)
    login(client, p.civil_user.username)
    detail = client.get(f"/quality/divergences/{case_id}").text
    assert "离异" not in detail  # the health department's value
    assert 'data-testid="resolve-form"' not in detail and 'data-testid="dismiss-form"' not in detail
    assert 'data-testid="link-form"' not in client.get("/quality/source-links").text
