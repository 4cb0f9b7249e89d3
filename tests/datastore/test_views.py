"""The provider's console pages: connections, uploads with progress, load reports, rejected rows, export."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.audit.models import AuditEntry
from govshare.datastore import console
from govshare.datastore.job_models import LoadJob
from govshare.datastore.models import Connection, Load
from govshare.orgs.models import Role
from tests.datastore import builders
from tests.orgs import builders as orgs
from tests.web_support import login


def _setup(session: Session, world: dict[str, Any]) -> tuple[Any, Any]:
    police = world["police"]
    resource = builders.resource(session, police)
    return police, resource


def _upload(
    client: TestClient,
    token: str,
    resource_id: int,
    data: bytes,
    *,
    name: str = "people.csv",
    partial: bool = False,
) -> Any:
    form = {"csrf_token": token, **({"partial": "1"} if partial else {})}
    return client.post(
        f"/data/resources/{resource_id}/loads", data=form, files={"file": (name, data, "text/csv")}
    )


def _follow_to_report(client: TestClient, response: Any) -> tuple[int, str]:
    """From the upload's answer to the load report: the job page redirects once the load is done."""
    assert response.status_code == 303, response.text
    job_url = response.headers["location"]
    assert job_url.startswith("/data/jobs/")
    job = client.get(job_url)
    assert job.status_code == 303, job.text
    report_url = job.headers["location"]
    load_id = int(report_url.rsplit("/", 1)[1])
    page = client.get(report_url)
    assert page.status_code == 200
    return load_id, page.text


def test_connections_list_the_departments_published_resources(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    _, resource = _setup(session, world)
    other = builders.resource(session, world["civil"])
    token = login(client, world["users"][Role.DATA_OFFICER].username)
    html = client.get("/data").text
    assert resource.code in html and other.code not in html  # only its own department's
    assert 'data-testid="connection-' in html
    assert client.get("/data", params={"q": "no-such-thing-zz"}).text.count("connection-") == 0
    assert token


def test_staff_and_auditors_cannot_open_the_provider_pages(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    _, resource = _setup(session, world)
    login(client, world["users"][Role.STAFF].username)
    assert client.get("/data").status_code == 403
    assert client.get(f"/data/resources/{resource.id}").status_code == 403


def test_upload_loads_every_row_and_shows_the_report(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    # GZ 18; ZS 17: the provider connects its data; the report counts what was accepted
    _, resource = _setup(session, world)
    token = login(client, world["users"][Role.DATA_OFFICER].username)
    rows = [builders.person(builders.next_n()) for _ in range(3)]
    load_id, html = _follow_to_report(
        client, _upload(client, token, resource.id, builders.csv_bytes(rows))
    )
    assert 'data-testid="load-status"' in html
    load = session.get(Load, load_id)
    assert load is not None and load.status == "loaded" and load.rows_written == 3
    assert 'data-testid="rows-written">3<' in html
    conn = session.get(Connection, resource.id)
    assert conn is not None and conn.records == 3
    job = session.scalar(select(LoadJob).where(LoadJob.load_id == load_id))
    assert job is not None and job.state == console.DONE
    listing = client.get("/data").text
    assert f'href="/data/loads/{load_id}"' in listing


def test_a_bad_row_refuses_the_whole_load_and_lists_every_problem(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    # GZ 18; ZS 17: all or nothing; every bad row reported (row, column, reason)
    _, resource = _setup(session, world)
    token = login(client, world["users"][Role.DATA_OFFICER].username)
    rows = [builders.person(builders.next_n()) for _ in range(3)]
    rows[1]["出生日期"] = "not-a-date"
    rows[2]["公民身份号码"] = "123"
    load_id, html = _follow_to_report(
        client, _upload(client, token, resource.id, builders.csv_bytes(rows))
    )
    load = session.get(Load, load_id)
    assert load is not None and load.status == "rejected"
    assert 'data-testid="nothing-loaded"' in html
    assert "<td>3</td><td>出生日期</td>" in html and "<td>4</td><td>公民身份号码</td>" in html
    conn = session.get(Connection, resource.id)
    assert conn is None or conn.records == 0  # nothing changed


def test_partial_load_keeps_good_rows_and_returns_bad_ones_as_a_file(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    _, resource = _setup(session, world)
    token = login(client, world["users"][Role.DATA_OFFICER].username)
    rows = [builders.person(builders.next_n()) for _ in range(4)]
    rows[3]["子女数"] = "many"
    load_id, html = _follow_to_report(
        client, _upload(client, token, resource.id, builders.csv_bytes(rows), partial=True)
    )
    load = session.get(Load, load_id)
    assert load is not None and load.status == "partial" and load.rows_rejected == 1
    assert 'data-testid="rejected-file"' in html
    csv_text = client.get(f"/data/loads/{load_id}/rejected.csv")
    assert csv_text.status_code == 200
    body = csv_text.content.decode("utf-8-sig")
    assert "_problems" in body.splitlines()[0]
    assert rows[3]["公民身份号码"] in body and rows[0]["公民身份号码"] not in body
    conn = session.get(Connection, resource.id)
    assert conn is not None and conn.records == 3


def test_problems_are_paginated(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    _, resource = _setup(session, world)
    token = login(client, world["users"][Role.DATA_OFFICER].username)
    rows = [builders.person(builders.next_n(), 子女数="x") for _ in range(60)]
    load_id, html = _follow_to_report(
        client, _upload(client, token, resource.id, builders.csv_bytes(rows))
    )
    assert html.count("<td>子女数</td>") == 50
    assert f'href="/data/loads/{load_id}?page=2"' in html
    second = client.get(f"/data/loads/{load_id}", params={"page": 2}).text
    assert second.count("<td>子女数</td>") == 10


def test_an_unreadable_upload_is_refused_with_a_message(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    _, resource = _setup(session, world)
    token = login(client, world["users"][Role.DATA_OFFICER].username)
    r = _upload(client, token, resource.id, b"hello", name="notes.txt")
    assert r.status_code == 303 and r.headers["location"] == f"/data/resources/{resource.id}"
    page = client.get(r.headers["location"]).text
    assert "flash error" in page
    assert session.scalar(select(LoadJob).where(LoadJob.resource_id == resource.id)) is None


def test_progress_is_shown_to_the_starter_while_the_load_runs(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    _, resource = _setup(session, world)
    officer = world["users"][Role.DATA_OFFICER]
    login(client, officer.username)
    job = console.start_upload(
        session,
        actor=orgs.actor_of(officer),
        resource_id=resource.id,
        filename="big.csv",
        partial=False,
        user_id=officer.id,
        session_version=officer.session_version,
    )
    entry = console.live(job.id)
    assert entry is not None
    entry.done, entry.total = 4000, 10000
    fragment = client.get(f"/data/jobs/{job.id}", headers={"HX-Request": "true"}).text
    assert 'id="load-progress"' in fragment and "4,000" in fragment and "10,000" in fragment
    assert "<html" not in fragment  # a fragment that replaces itself while polling
    full = client.get(f"/data/jobs/{job.id}").text
    assert 'hx-trigger="every 1s"' in full
    # someone else of the same role follows the usual check (the database row)
    other = orgs.user(session, role=Role.DATA_OFFICER, dept=world["civil"])
    client.cookies.clear()
    login(client, other.username)
    assert client.get(f"/data/jobs/{job.id}").status_code == 403


def test_export_gives_the_provider_its_own_records(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    _, resource = _setup(session, world)
    token = login(client, world["users"][Role.DATA_OFFICER].username)
    rows = [builders.person(builders.next_n()) for _ in range(2)]
    _follow_to_report(client, _upload(client, token, resource.id, builders.csv_bytes(rows)))
    r = client.get(f"/data/resources/{resource.id}/export.csv")
    assert r.status_code == 200
    text = r.content.decode("utf-8-sig")
    assert all(row["公民身份号码"] in text for row in rows)
    exported = session.scalar(
        select(AuditEntry).where(AuditEntry.action == "data.export").order_by(AuditEntry.seq.desc())
    )
    assert exported is not None and exported.object_id == str(resource.id)


def test_a_file_that_cannot_be_read_ends_the_upload_with_its_reason(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    _, resource = _setup(session, world)
    token = login(client, world["users"][Role.DATA_OFFICER].username)
    r = _upload(client, token, resource.id, b"not a spreadsheet at all", name="broken.xlsx")
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert page.status_code == 200 and 'data-testid="load-failed"' in page.text
    job = session.scalar(select(LoadJob).where(LoadJob.resource_id == resource.id))
    assert job is not None and job.state == console.FAILED and job.load_id is None
    assert session.scalar(select(Load).where(Load.resource_id == resource.id)) is None


def test_the_authority_sees_every_departments_connections_in_english(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    # GZ 19; ZS 18: the authority supervises every provider's connected data
    _, resource = _setup(session, world)
    login(client, world["users"][Role.AUTHORITY_ADMIN].username)
    client.cookies.set("lang", "en")
    html = client.get("/data").text
    assert resource.code in html and "Connected data" in html
    page = client.get(f"/data/resources/{resource.id}").text
    assert 'data-testid="upload"' not in page  # the provider loads, not the authority


def test_polling_swaps_the_report_in_when_the_load_is_done(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    _, resource = _setup(session, world)
    token = login(client, world["users"][Role.DATA_OFFICER].username)
    rows = [builders.person(builders.next_n())]
    r = _upload(client, token, resource.id, builders.csv_bytes(rows))
    poll = client.get(r.headers["location"], headers={"HX-Request": "true"})
    assert poll.status_code == 200
    assert 'id="load-report"' in poll.text and "<html" not in poll.text
    assert poll.headers["HX-Push-Url"].startswith("/data/loads/")
    broken = _upload(client, token, resource.id, b"garbage", name="broken.xlsx")
    failed = client.get(broken.headers["location"], headers={"HX-Request": "true"})
    assert failed.headers["HX-Redirect"] == broken.headers["location"]
