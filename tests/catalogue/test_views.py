"""The console of the catalogue and the sharing directory: pages per role and language, the entry
form and its legal rules (GZ 9, 10, 20), the review workflow (GZ 8, 11), diffs, disputes (ZS 10)."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.audit.models import AuditEntry
from govshare.catalogue import views
from govshare.catalogue.enums import ResourceStatus
from govshare.catalogue.models import ChangeEvent, Resource, SharingTypeDispute
from govshare.http.deps import Allow
from govshare.http.i18n import translator
from govshare.orgs.models import Role
from tests.catalogue import builders
from tests.web_support import login

zh = translator("zh_CN")
USERS = [Role.AUTHORITY_ADMIN, Role.DATA_OFFICER, Role.STAFF, Role.AUDITOR]


@pytest.fixture()
def app(app):  # type: ignore[no-untyped-def]
    """The application with the catalogue pages (a no-op once the app factory mounts them)."""
    mounted = any(
        getattr(r, "original_router", None) is views.router
        or getattr(r, "path", "") == "/directory"
        for r in app.routes
    )
    if not mounted:
        app.include_router(views.router)
    return app


def _client(app, world, role: Role, lang: str = "zh_CN") -> tuple[TestClient, str]:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False)
    client.cookies.set("lang", lang)
    return client, login(client, world["users"][role].username)


def _count(session: Session, model: type[Any]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _text(html: str) -> str:
    """The visible text of a page, tags dropped and entities decoded."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _field(html: str, name: str) -> str:
    """The label block of one form field."""
    match = re.search(rf'<label[^>]*data-field="{re.escape(name)}"[^>]*>(.*?)</label>', html, re.S)
    assert match, f"no field {name}"
    return match.group(0)


def _form(dept_id: int, csrf: str, **overrides: str) -> dict[str, str]:
    """The entry form as a browser posts it: a gap in the item rows, as after removing one."""
    data = {
        "csrf_token": csrf,
        "department_id": str(dept_id),
        "name": "婚姻登记信息",
        "name_en": "Marriage registration",
        "abstract": "本市办理的结婚、离婚登记信息",
        "catalogue_kind": "departmental",
        "class_code": "",
        "format": "database",
        "subject_key_type": "resident_id",
        "sharing_type": "unconditional",
        "sharing_method": "interface",
        "sharing_basis_kind": "",
        "open_type": "not_open",
        "update_cycle": "daily",
        "published_on": "",
        "data_grade": "",
        "related_codes": "",
        "items-0-name": "公民身份号码",
        "items-0-data_type": "string",
        "items-0-length": "18",
        "items-0-is_subject_key": "on",
        "items-0-sharing_type": "",
        "items-3-name": "婚姻状况",
        "items-3-data_type": "string",
        "items-3-length": "10",
        "items-3-sharing_type": "",
        "items-4-name": "",  # an empty row the user added and left: ignored
    }
    data.update(overrides)
    return data


def _create(client: TestClient, dept_id: int, csrf: str, **overrides: str) -> int:
    r = client.post("/catalogue/new", data=_form(dept_id, csrf, **overrides))
    assert r.status_code == 303, _text(r.text)[:600]
    match = re.fullmatch(r"/catalogue/(\d+)", r.headers["location"])
    assert match
    assert (
        client.get(r.headers["location"]).status_code == 200
    )  # as a browser does, showing the flash
    return int(match.group(1))


# --- pages, roles, languages -------------------------------------------------------------------------


PAGES = {
    "/catalogue": ({Role.AUTHORITY_ADMIN, Role.DATA_OFFICER, Role.AUDITOR}, "Resource catalogue"),
    "/catalogue/new": ({Role.AUTHORITY_ADMIN, Role.DATA_OFFICER}, "New catalogue entry"),
    "/catalogue/{draft}": (
        {Role.AUTHORITY_ADMIN, Role.DATA_OFFICER, Role.AUDITOR},
        "Version history",
    ),
    "/catalogue/{draft}/edit": ({Role.AUTHORITY_ADMIN, Role.DATA_OFFICER}, "Edit the entry"),
    "/catalogue/review": ({Role.AUTHORITY_ADMIN}, "Review queue"),
    "/catalogue/changes": ({Role.AUTHORITY_ADMIN, Role.DATA_OFFICER}, "Change events"),
    "/directory": (set(USERS), "Sharing directory"),
    "/directory/{published}": (set(USERS), "How to use it"),
}


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_each_page_renders_for_its_roles_in_both_languages(
    app, world, session: Session, lang: str
) -> None:  # type: ignore[no-untyped-def]
    police = world["police"]
    draft = builders.resource(session, police)
    published = builders.published(session, police, name="户籍登记信息")
    ids = {"draft": draft.id, "published": published.id}
    for role in USERS:
        client, _ = _client(app, world, role, lang)
        for path, (roles, heading) in PAGES.items():
            r = client.get(path.format(**ids))
            if role not in roles:
                assert r.status_code == 403, (path, role, r.status_code)
                continue
            assert r.status_code == 200, (path, role, _text(r.text)[:400])
            expected = zh(heading) if lang == "zh_CN" else heading
            assert zh(heading) != heading  # the page title is translated at all
            assert expected in _text(r.text), (path, role, lang)
            if lang == "en":
                assert zh(heading) not in r.text
    # the navigation shows each role its way in
    client, _ = _client(app, world, Role.STAFF, "en")
    nav = client.get("/directory").text.split("</nav>")[0]
    assert 'href="/directory"' in nav and 'href="/catalogue"' not in nav
    client, _ = _client(app, world, Role.AUTHORITY_ADMIN, "en")
    nav = client.get("/directory").text.split("</nav>")[0]
    assert 'href="/catalogue/review"' in nav and 'href="/catalogue"' in nav


def test_another_department_reads_a_published_entry_in_the_directory(
    app, world, session: Session
) -> None:  # type: ignore[no-untyped-def]
    published = builders.published(session, world["police"])
    draft = builders.resource(session, world["police"])
    client, _ = _client(app, world, Role.STAFF)
    r = client.get(f"/catalogue/{published.id}")
    assert r.status_code == 303 and r.headers["location"] == f"/directory/{published.id}"
    assert client.get(f"/catalogue/{draft.id}").status_code == 403


# --- the entry form -------------------------------------------------------------------------------


def test_officer_creates_an_entry_through_the_form(app, world, session: Session) -> None:  # type: ignore[no-untyped-def]
    client, csrf = _client(app, world, Role.DATA_OFFICER)
    form = client.get("/catalogue/new").text
    assert 'name="items-0-name"' in form and "__N__" in form  # a row, and the template of more rows
    for legend in (
        "Basic description",
        "Classification",
        "Sharing attributes",
        "Open attributes",
        "Update and publication",
        "Security",
    ):
        assert f"<legend>{zh(legend)}</legend>" in form

    # the officer cannot file into another department's catalogue, whatever the form says
    r = client.post(
        "/catalogue/new",
        data=_form(world["civil"].id, csrf, related_codes="101/000001\n101/000002"),
    )
    assert r.status_code == 303
    resource_id = int(r.headers["location"].rsplit("/", 1)[1])
    resource = session.get(Resource, resource_id)
    assert resource is not None
    assert resource.department_id == world["police"].id
    assert resource.status == ResourceStatus.DRAFT
    assert resource.code.startswith("300/")
    assert [(i.name, i.length, i.is_subject_key) for i in resource.items] == [
        ("公民身份号码", 18, True),
        ("婚姻状况", 10, False),
    ]
    assert resource.related_codes == ["101/000001", "101/000002"]

    page = client.get(f"/catalogue/{resource_id}")
    assert zh("Entry saved as a draft: submit it for review when it is complete") in page.text
    assert "婚姻登记信息" in page.text and zh("Draft") in page.text


def test_a_rule_violation_shows_the_problem_next_to_its_field_and_writes_nothing(
    app, world, session: Session
) -> None:  # type: ignore[no-untyped-def]
    client, csrf = _client(app, world, Role.DATA_OFFICER)
    resources, audits = _count(session, Resource), _count(session, AuditEntry)
    # GZ Art. 10: basic information is unconditional; GZ Art. 20: no state secrets
    r = client.post(
        "/catalogue/new",
        data=_form(
            world["police"].id,
            csrf,
            name="自然人基础信息（测试）",
            catalogue_kind="basic",
            basic_category="natural_person",
            sharing_type="conditional",
            sharing_basis="某规定",
            sharing_conditions="办理业务",
            contains_state_secret="on",
        ),
    )
    assert r.status_code == 422
    sharing = _field(r.text, "sharing_type")
    assert "field-error" in sharing
    assert zh("basic information is shared unconditionally") + " [GZ 10]" in _text(sharing)
    secret = _field(r.text, "contains_state_secret")
    assert "field-error" in secret and "GZ 20" in _text(secret)
    assert "field-error" not in _field(r.text, "name")
    # what the user typed is still there
    assert 'value="自然人基础信息（测试）"' in r.text
    assert 'value="婚姻状况"' in r.text
    assert re.search(r'<option value="conditional" selected>', _field(r.text, "sharing_type"))
    assert zh("The entry was not saved: correct the fields marked below.") in r.text
    assert _count(session, Resource) == resources
    assert _count(session, AuditEntry) == audits


def test_rule_problems_of_data_items_are_shown_on_their_row(app, world, session: Session) -> None:  # type: ignore[no-untyped-def]
    client, csrf = _client(app, world, Role.DATA_OFFICER, "en")
    r = client.post(
        "/catalogue/new",
        data=_form(
            world["police"].id,
            csrf,
            **{"items-3-sharing_type": "none", "items-3-is_subject_key": "on"},
        ),
    )
    assert r.status_code == 422
    assert "exactly one data item is the subject key (found 2)" in _text(r.text)
    row_problem = re.search(r'<tr class="item-problems">(.*?)</tr>', r.text, re.S)
    assert row_problem and "GZ 9" in row_problem.group(1)


def test_an_input_error_is_flashed_naming_the_field_and_writes_nothing(
    app, world, session: Session
) -> None:  # type: ignore[no-untyped-def]
    client, csrf = _client(app, world, Role.DATA_OFFICER)
    resources = _count(session, Resource)
    r = client.post(
        "/catalogue/new", data=_form(world["police"].id, csrf, name="", **{"items-3-length": "十"})
    )
    assert r.status_code == 422
    flashes = " ".join(re.findall(r'<div class="flash error"[^>]*>(.*?)</div>', r.text, re.S))
    assert zh("Resource name") in flashes and zh("this field is required") in flashes
    assert zh("Length") in flashes and zh("enter a whole number") in flashes
    assert zh("this field is required") in _text(_field(r.text, "name"))
    assert 'value="十"' in r.text
    assert _count(session, Resource) == resources


def test_the_form_and_its_posts_need_the_csrf_token(app, world, session: Session) -> None:  # type: ignore[no-untyped-def]
    client, csrf = _client(app, world, Role.DATA_OFFICER)
    resources = _count(session, Resource)
    for token in ("", "forged"):
        r = client.post("/catalogue/new", data=_form(world["police"].id, token))
        assert r.status_code == 403
    assert _count(session, Resource) == resources
    draft = builders.resource(session, world["police"])
    assert client.post(f"/catalogue/{draft.id}/submit", data={}).status_code == 403
    session.refresh(draft)
    assert draft.status == ResourceStatus.DRAFT
    assert (
        client.post(f"/catalogue/{draft.id}/submit", data={"csrf_token": csrf}).status_code == 303
    )
    session.refresh(draft)
    assert draft.status == ResourceStatus.SUBMITTED


# --- the workflow -----------------------------------------------------------------------------------


def test_submit_review_approve_publish_and_find_it_in_the_directory(
    app, world, session: Session
) -> None:  # type: ignore[no-untyped-def]
    officer, officer_csrf = _client(app, world, Role.DATA_OFFICER)
    admin, admin_csrf = _client(app, world, Role.AUTHORITY_ADMIN)
    staff, _ = _client(app, world, Role.STAFF, "en")
    resource_id = _create(officer, world["police"].id, officer_csrf)

    r = officer.post(f"/catalogue/{resource_id}/submit", data={"csrf_token": officer_csrf})
    assert r.status_code == 303
    assert (
        zh("Submitted for review: the authority answers by {due}", due="2026-12-11")
        in officer.get(r.headers["location"]).text
    )  # GZ 8: 15 working days from 2026-11-20

    queue = admin.get("/catalogue/review").text
    assert "婚姻登记信息" in queue
    assert zh("{n} working days left", n=15) in queue

    assert (
        admin.post(f"/catalogue/{resource_id}/approve", data={"csrf_token": admin_csrf}).status_code
        == 303
    )
    review = admin.get("/catalogue/review").text
    assert zh("Nothing awaits review.") in review
    assert "婚姻登记信息" in review.split('data-testid="approved"')[1]
    assert staff.get("/directory?q=婚姻").text.count('class="result"') == 0  # not yet published

    r = admin.post("/catalogue/publish-approved", data={"csrf_token": admin_csrf})
    assert r.status_code == 303
    assert (
        zh("{n} entries published in the sharing directory", n="1")
        in admin.get("/catalogue/review").text
    )
    resource = session.get(Resource, resource_id)
    assert resource is not None and resource.status == ResourceStatus.PUBLISHED

    for q in ("婚姻", "marriage"):
        found = staff.get("/directory", params={"q": q}).text
        assert "婚姻登记信息" in found, q
        assert 'data-access="take_directly"' in found and "Take directly" in found
    assert "婚姻登记信息" not in staff.get("/directory", params={"q": "户籍"}).text
    entry = staff.get(f"/directory/{resource_id}").text
    assert "Unconditional sharing: every department may use this data" in entry
    assert "/api/v1/directory/export.xlsx" in entry and "/api/v1/directory/dcat.jsonld" in entry


def test_the_review_queue_marks_an_overdue_submission(app, world, session: Session) -> None:  # type: ignore[no-untyped-def]
    from govshare.catalogue import service as catalogue

    late = builders.resource(session, world["police"], name="逾期审核的信息")
    catalogue.submit(session, actor=builders.OPERATOR, resource_id=late.id, today=date(2026, 10, 9))
    admin, _ = _client(app, world, Role.AUTHORITY_ADMIN, "en")
    queue = admin.get("/catalogue/review").text
    row = re.search(r"<tr class=\"late\">(.*?)</tr>", queue, re.S)
    assert row and "逾期审核的信息" in row.group(1)
    assert re.search(r"Overdue by \d+ working days", row.group(1))


def test_a_returned_entry_shows_the_comments(app, world, session: Session) -> None:  # type: ignore[no-untyped-def]
    officer, officer_csrf = _client(app, world, Role.DATA_OFFICER)
    admin, admin_csrf = _client(app, world, Role.AUTHORITY_ADMIN)
    resource_id = _create(officer, world["police"].id, officer_csrf)
    officer.post(f"/catalogue/{resource_id}/submit", data={"csrf_token": officer_csrf})

    # a return without comments is refused and changes nothing
    r = admin.post(
        f"/catalogue/{resource_id}/return", data={"csrf_token": admin_csrf, "comment": " "}
    )
    assert r.status_code == 303
    assert (
        zh("say what must change: a return needs comments") in admin.get(r.headers["location"]).text
    )
    assert session.get(Resource, resource_id).status == ResourceStatus.SUBMITTED  # type: ignore[union-attr]

    comment = "请补充信息项“婚姻状况”的取值说明"
    r = admin.post(
        f"/catalogue/{resource_id}/return", data={"csrf_token": admin_csrf, "comment": comment}
    )
    assert r.status_code == 303
    page = officer.get(f"/catalogue/{resource_id}").text
    box = re.search(r'data-testid="review-comment">(.*?)</div>', page, re.S)
    assert box and comment in unescape(box.group(1))
    assert comment in unescape(page.split('data-testid="versions"')[1])  # and in the history
    assert zh("Returned") in page
    assert 'data-testid="edit"' in page and 'data-testid="submit"' in page
    listed = officer.get("/catalogue").text
    assert comment[:10] in unescape(listed)


def test_the_diff_view_shows_a_changed_field(app, world, session: Session) -> None:  # type: ignore[no-untyped-def]
    officer, csrf = _client(app, world, Role.DATA_OFFICER, "en")
    admin, admin_csrf = _client(app, world, Role.AUTHORITY_ADMIN)
    resource_id = _create(officer, world["police"].id, csrf)
    officer.post(f"/catalogue/{resource_id}/submit", data={"csrf_token": csrf})
    admin.post(
        f"/catalogue/{resource_id}/return",
        data={"csrf_token": admin_csrf, "comment": "改为每周更新"},
    )

    edit = officer.get(f"/catalogue/{resource_id}/edit").text
    assert 'value="婚姻登记信息"' in edit and 'value="婚姻状况"' in edit  # the form holds the entry
    changed = _form(
        world["police"].id,
        csrf,
        update_cycle="weekly",
        **{"items-5-name": "登记日期", "items-5-data_type": "date"},
    )
    r = officer.post(f"/catalogue/{resource_id}/edit", data=changed)
    assert r.status_code == 303, _text(r.text)[:500]

    working = officer.get(f"/catalogue/{resource_id}").text
    diff = working.split('<div id="diff"')[1]
    assert "Changes from version 1 to the working copy" in diff
    assert re.search(
        r"<th>Update cycle</th><td><del>Daily</del></td><td><ins>Weekly</ins></td>", diff
    )
    assert "登记日期" in diff and "added" in diff

    officer.post(f"/catalogue/{resource_id}/submit", data={"csrf_token": csrf})
    versions = officer.get(f"/catalogue/{resource_id}", params={"old": 1, "new": 2}).text
    diff = versions.split('<div id="diff"')[1]
    assert "Changes from version 1 to version 2" in diff
    assert "<del>Daily</del>" in diff and "<ins>Weekly</ins>" in diff
    assert "Abstract" not in diff  # an unchanged field is not listed
    same = officer.get(f"/catalogue/{resource_id}", params={"old": 2, "new": 2}).text
    assert "No changes." in same


def test_a_dispute_raised_and_decided_shows_the_decision_and_its_reason(
    app, world, session: Session
) -> None:  # type: ignore[no-untyped-def]
    resource = builders.published(session, world["police"], name="出生医学证明信息")
    staff, staff_csrf = _client(app, world, Role.STAFF)
    officer, _ = _client(app, world, Role.DATA_OFFICER)
    admin, admin_csrf = _client(app, world, Role.AUTHORITY_ADMIN)

    assert (
        'data-testid="dispute-form"' not in officer.get(f"/directory/{resource.id}").text
    )  # own entry
    page = staff.get(f"/directory/{resource.id}").text
    assert 'data-testid="dispute-form"' in page
    r = staff.post(
        f"/catalogue/{resource.id}/disputes",
        data={
            "csrf_token": staff_csrf,
            "requested_type": "conditional",
            "reason": "含个人敏感信息，应有条件共享",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == f"/directory/{resource.id}"
    dispute = session.scalar(
        select(SharingTypeDispute).where(SharingTypeDispute.resource_id == resource.id)
    )
    assert dispute is not None

    detail = admin.get(f"/catalogue/{resource.id}").text
    assert 'data-testid="decide-form"' in detail and "含个人敏感信息，应有条件共享" in detail
    reason = "出生医学证明属于电子证照基础信息，应无条件共享"
    r = admin.post(
        f"/catalogue/disputes/{dispute.id}/decide",
        data={
            "csrf_token": admin_csrf,
            "decided_type": "unconditional",
            "reason": reason,
            "back": f"/catalogue/{resource.id}",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == f"/catalogue/{resource.id}"
    for client, path in (
        (admin, f"/catalogue/{resource.id}"),
        (staff, f"/directory/{resource.id}"),
    ):
        decisions = client.get(path).text.split('data-testid="disputes"')[1]
        assert zh("Decided") in decisions and reason in decisions
        assert zh("Unconditional sharing") in decisions
        assert 'data-testid="decide-form"' not in decisions


def test_a_dispute_with_an_unknown_type_is_refused(app, world, session: Session) -> None:  # type: ignore[no-untyped-def]
    resource = builders.published(session, world["police"])
    staff, csrf = _client(app, world, Role.STAFF)
    r = staff.post(
        f"/catalogue/{resource.id}/disputes",
        data={"csrf_token": csrf, "requested_type": "sometimes", "reason": "x"},
    )
    assert r.status_code == 303
    assert zh("choose the sharing type you ask for") in staff.get(r.headers["location"]).text
    assert _count(session, SharingTypeDispute) == 0


# --- change events and the full review ------------------------------------------------------------------


def test_change_events_are_registered_flagged_when_overdue_and_resolved(
    app, world, session: Session
) -> None:  # type: ignore[no-untyped-def]
    officer, csrf = _client(app, world, Role.DATA_OFFICER, "en")
    r = officer.post(
        "/catalogue/changes",
        data={
            "csrf_token": csrf,
            "kind": "law_amended",
            "description": "《婚姻登记条例》修订",
            "occurred_on": "2026-10-09",
        },
    )
    assert r.status_code == 303
    event = session.scalar(select(ChangeEvent))
    assert event is not None and event.department_id == world["police"].id and event.due_on
    page = officer.get("/catalogue/changes").text
    assert "《婚姻登记条例》修订" in page and str(event.due_on) in page
    assert "data-overdue" in page  # due 15 working days after 9 October, before 20 November

    r = officer.post(
        f"/catalogue/changes/{event.id}/resolve",
        data={"csrf_token": csrf, "resolution": "目录无需调整", "back": "/catalogue/changes"},
    )
    assert r.status_code == 303
    page = officer.get("/catalogue/changes").text
    assert "目录无需调整" in page and "data-overdue" not in page

    assert "never" in page.split('data-testid="last-review"')[1][:40]
    r = officer.post("/catalogue/full-review", data={"csrf_token": csrf, "note": "全面梳理"})
    assert r.status_code == 303
    page = officer.get("/catalogue/changes").text
    assert "2026-11-20" in page.split('data-testid="last-review"')[1][:40]


def test_a_change_in_the_future_is_refused(app, world, session: Session) -> None:  # type: ignore[no-untyped-def]
    officer, csrf = _client(app, world, Role.DATA_OFFICER)
    r = officer.post(
        "/catalogue/changes",
        data={"csrf_token": csrf, "kind": "other", "description": "x", "occurred_on": "2027-01-01"},
    )
    assert r.status_code == 303
    assert (
        zh("a change is registered once it has happened") in officer.get("/catalogue/changes").text
    )
    assert _count(session, ChangeEvent) == 0


# --- the directory ---------------------------------------------------------------------------------------


def test_directory_filters_show_facet_counts_and_direct_items(app, world, session: Session) -> None:  # type: ignore[no-untyped-def]
    builders.published(session, world["police"], name="户籍登记信息")
    builders.published(session, world["civil"], name="婚姻登记信息", update_cycle="monthly")
    conditional = builders.published(
        session,
        world["civil"],
        name="最低生活保障信息",
        format="spreadsheet",
        sharing_type="conditional",
        sharing_basis="《社会救助暂行办法》",
        sharing_conditions="办理社会救助业务",
        items=[
            {
                "name": "公民身份号码",
                "data_type": "string",
                "is_subject_key": True,
                "sharing_type": "unconditional",
            },
            {"name": "保障金额", "data_type": "decimal"},
        ],
    )
    staff, _ = _client(app, world, Role.STAFF, "en")
    page = staff.get("/directory").text
    assert "3 entries found" in page
    assert "Unconditional sharing (2)" in page and "Conditional sharing (1)" in page
    assert "Database (2)" in page and "Spreadsheet (1)" in page
    assert f"{world['civil'].name_en} (2)" in page and f"{world['police'].name_en} (1)" in page

    filtered = staff.get("/directory", params={"sharing_type": "conditional"}).text
    assert "1 entries found" in filtered and "最低生活保障信息" in filtered
    assert 'data-access="apply"' in filtered and "户籍登记信息" not in filtered
    assert (
        staff.get("/directory", params={"q": "低保"}).text.count('class="result"') == 1
    )  # synonym

    entry = staff.get(f"/directory/{conditional.id}").text
    assert "Conditional sharing: apply on the platform" in entry
    direct = re.findall(r"<tr class=\"direct\"><td>([^<]+?)\s*<", entry)
    assert direct == ["公民身份号码"]
    assert "办理社会救助业务" in entry


# --- who may call what ---------------------------------------------------------------------------------------

AUDIENCES = {
    ("GET", "/catalogue"): {Role.AUTHORITY_ADMIN, Role.DATA_OFFICER, Role.AUDITOR},
    ("GET", "/catalogue/new"): {Role.AUTHORITY_ADMIN, Role.DATA_OFFICER},
    ("POST", "/catalogue/new"): {Role.AUTHORITY_ADMIN, Role.DATA_OFFICER},
    ("GET", "/catalogue/{resource_id}/edit"): {Role.AUTHORITY_ADMIN, Role.DATA_OFFICER},
    ("POST", "/catalogue/{resource_id}/edit"): {Role.AUTHORITY_ADMIN, Role.DATA_OFFICER},
    ("GET", "/catalogue/review"): {Role.AUTHORITY_ADMIN},
    ("GET", "/catalogue/changes"): {Role.AUTHORITY_ADMIN, Role.DATA_OFFICER},
    ("GET", "/catalogue/{resource_id}"): set(USERS),
    ("POST", "/catalogue/{resource_id}/submit"): {Role.AUTHORITY_ADMIN, Role.DATA_OFFICER},
    ("POST", "/catalogue/{resource_id}/return"): {Role.AUTHORITY_ADMIN},
    ("POST", "/catalogue/{resource_id}/approve"): {Role.AUTHORITY_ADMIN},
    ("POST", "/catalogue/{resource_id}/publish"): {Role.AUTHORITY_ADMIN},
    ("POST", "/catalogue/publish-approved"): {Role.AUTHORITY_ADMIN},
    ("POST", "/catalogue/{resource_id}/disputes"): {Role.DATA_OFFICER, Role.STAFF},
    ("POST", "/catalogue/disputes/{dispute_id}/decide"): {Role.AUTHORITY_ADMIN},
    ("POST", "/catalogue/changes"): {Role.AUTHORITY_ADMIN, Role.DATA_OFFICER},
    ("POST", "/catalogue/changes/{event_id}/resolve"): {Role.AUTHORITY_ADMIN, Role.DATA_OFFICER},
    ("POST", "/catalogue/full-review"): {Role.AUTHORITY_ADMIN, Role.DATA_OFFICER},
    ("GET", "/directory"): set(USERS),
    ("GET", "/directory/{resource_id}"): set(USERS),
}


def _allow_of(route: APIRoute) -> Allow:
    deps = [d.call for d in route.dependant.dependencies]
    allow = next((d for d in deps if isinstance(d, Allow)), None)
    assert allow is not None, route.path
    return allow


def test_every_catalogue_page_declares_the_audience_of_the_regulations() -> None:
    declared = {
        (m, r.path): set(_allow_of(r).roles)
        for r in views.router.routes
        if isinstance(r, APIRoute)
        for m in r.methods
    }
    assert declared == AUDIENCES


@pytest.mark.parametrize("role", USERS)
def test_each_role_is_let_in_or_refused_as_declared(app, world, role: Role) -> None:  # type: ignore[no-untyped-def]
    client, csrf = _client(app, world, role)
    for (method, path), roles in AUDIENCES.items():
        url = re.sub(r"\{[^}]+\}", "999999", path)
        r = client.request(method, url, data={"csrf_token": csrf} if method == "POST" else None)
        if role in roles:
            assert r.status_code not in (401, 403), (method, path, role, _text(r.text)[:300])
        else:
            assert r.status_code == 403, (method, path, role, r.status_code)
