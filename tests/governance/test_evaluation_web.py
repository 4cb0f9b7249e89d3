"""The evaluation's JSON API, console pages and CLI (GZ 35, 38; ZS 14, 34; ZZ 31; JS 29)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from govshare.catalogue import projects
from govshare.governance import evaluation as ev
from tests.governance.test_evaluation import World, build
from tests.web_support import login

Q3 = "2026Q3"  # the web app's today is 2026-11-20, after the end of Q3


@pytest.fixture()
def scene(session: Session) -> World:
    return build(session)


def _publish(session: Session, scene: World) -> int:
    evaluation = ev.compute(session, actor=scene.admin, period=Q3, today=date(2026, 11, 20))
    ev.publish(session, actor=scene.admin, evaluation_id=evaluation.id, today=date(2026, 11, 20))
    return evaluation.id


def test_api_computes_publishes_and_shows_a_scorecard_with_its_evidence(
    client: TestClient, session: Session, scene: World
) -> None:
    # GZ Art. 35: the authority evaluates and circulates the results.
    token = login(client, scene.p.admin.username)
    bad = client.post(
        "/api/v1/evaluations", json={"period": "2026Q5"}, headers={"x-csrf-token": token}
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_period"
    made = client.post("/api/v1/evaluations", json={"period": Q3}, headers={"x-csrf-token": token})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["state"] == "draft" and body["computed_on"] == "2026-11-20"
    assert len(body["weights"]) == 9  # GZ: silent weights, every metric the same
    eid = body["id"]

    officer = TestClient(client.app, follow_redirects=False)
    otoken = login(officer, scene.p.officer.username)
    hidden = officer.get(f"/api/v1/evaluations/{eid}")
    assert hidden.status_code == 403 and hidden.json()["error"]["code"] == "not_published"
    refused = officer.post(f"/api/v1/evaluations/{eid}/publish", headers={"x-csrf-token": otoken})
    assert refused.status_code == 403

    published = client.post(f"/api/v1/evaluations/{eid}/publish", headers={"x-csrf-token": token})
    assert published.status_code == 200 and published.json()["state"] == "published"
    again = client.post(f"/api/v1/evaluations/{eid}/publish", headers={"x-csrf-token": token})
    assert again.status_code == 409 and again.json()["error"]["code"] == "evaluation_published"

    ranking = officer.get(f"/api/v1/evaluations/{eid}/ranking").json()
    assert [r["department_id"] for r in ranking] == [scene.p.provider.id, scene.p.consumer.id]
    card = officer.get(f"/api/v1/evaluations/{eid}/departments/{scene.p.provider.id}").json()
    assert card["rank"] == 1 and card["ranked"] == 2 and card["not_applicable"] == ["data_use"]
    apps = next(m for m in card["metrics"] if m["metric"] == "applications_in_time")
    assert apps["evidence"]["kind"] == "application"
    assert (
        scene.ids["a1"] in apps["evidence"]["met"] and scene.ids["a2"] in apps["evidence"]["missed"]
    )
    other = officer.get(f"/api/v1/evaluations/{eid}/departments/{scene.p.consumer.id}")
    assert other.status_code == 403
    listed = officer.get("/api/v1/evaluations").json()
    assert [e["period"] for e in listed["items"]] == [Q3]
    standing = officer.get(f"/api/v1/evaluations/standing/{scene.p.provider.id}").json()
    assert (
        standing["period"] == Q3 and standing["rank"] == 1 and standing["open_rectifications"] == 1
    )


def test_console_compute_publish_drill_down_and_export(
    client: TestClient, session: Session, scene: World
) -> None:
    # GZ Art. 35: computed as a draft, published, then seen by the department with its records.
    login(client, scene.p.admin.username)
    page = client.get("/evaluations")
    assert page.status_code == 200 and 'data-testid="compute"' in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    done = client.post("/evaluations", data={"period": "2026q3", "csrf_token": token})
    assert done.status_code == 303
    detail_url = done.headers["location"]
    detail = client.get(detail_url).text
    assert 'data-testid="publish"' in detail and 'data-testid="ranking-chart"' in detail
    assert f'data-department="{scene.p.provider.id}"' in detail
    wrong = client.post("/evaluations", data={"period": "soon", "csrf_token": token})
    assert wrong.status_code == 303 and wrong.headers["location"] == "/evaluations"
    assert client.post(f"{detail_url}/publish", data={"csrf_token": token}).status_code == 303
    assert 'data-testid="publish"' not in client.get(detail_url).text

    officer = TestClient(client.app, follow_redirects=False)
    login(officer, scene.p.officer.username)
    listing = officer.get("/evaluations").text
    assert 'data-testid="compute"' not in listing and 'data-testid="my-scorecard"' in listing
    card = officer.get(f"{detail_url}/departments/{scene.p.provider.id}")
    assert card.status_code == 200
    text = card.text
    assert 'data-testid="metric-chart"' in text and 'data-testid="trend-chart"' in text
    assert f'href="/applications/{scene.ids["a1"]}"' in text  # drill-down to the record
    assert f'href="/catalogue/{scene.ids["r2"]}"' in text
    assert officer.get(f"{detail_url}/departments/{scene.p.consumer.id}").status_code == 403
    book = officer.get(f"{detail_url}/export.xlsx")
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None and sheet.cell(2, 1).value == 1
    assert sheet.cell(2, 2).value == scene.p.provider.name
    assert sheet.cell(2, 4).value == 50.0  # its own catalogue completeness
    assert sheet.cell(3, 3).value == 0.0 and sheet.cell(3, 4).value is None  # another's total only


def test_project_approval_check_shows_the_standing(
    client: TestClient, session: Session, scene: World
) -> None:
    # GZ Art. 38; ZS Art. 14, 34 ¶2: evaluation and rectification inform the approval.
    project = projects.register_project(
        session,
        actor=scene.admin,
        department_id=scene.p.provider.id,
        name="救助平台",
        today=date(2026, 11, 20),
    )
    _publish(session, scene)
    login(client, scene.p.admin.username)
    page = client.get(f"/evaluations/projects/{project.id}")
    assert page.status_code == 200
    standing = page.text.split('data-testid="standing"')[1]
    assert Q3 in standing and 'data-testid="standing-rectifications">1<' in standing
    api = client.get(f"/api/v1/evaluations/projects/{project.id}/standing").json()
    assert api["period"] == Q3 and api["open_rectifications"] == 1
    # The projects list leads to the check: all of them for the authority, its own for a department.
    listing = client.get("/evaluations/projects").text
    assert f'href="/evaluations/projects/{project.id}"' in listing
    client.cookies.clear()
    login(client, scene.p.officer.username)  # the provider's officer: its own project
    assert f'data-project="{project.id}"' in client.get("/evaluations/projects").text
    client.cookies.clear()
    login(client, scene.p.staff.username)  # another department's staff: not listed
    assert f'data-project="{project.id}"' not in client.get("/evaluations/projects").text


def test_cli_evaluate_prints_the_ranking(
    session: Session, scene: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GZ Art. 35: `govshare evaluate --period 2026Q3 --publish`
    from contextlib import contextmanager

    from govshare import cli_support
    from govshare.cli import app

    @contextmanager
    def scope() -> Iterator[Session]:
        yield session

    monkeypatch.setattr(cli_support, "session_scope", scope)
    runner = CliRunner()
    out = runner.invoke(app, ["evaluate", "--period", Q3, "--publish", "--today", "2026-10-02"])
    assert out.exit_code == 0, out.output
    assert "published" in out.output
    first = next(line for line in out.output.splitlines() if line.strip().startswith("1 "))
    assert scene.p.provider.code in first
    bad = runner.invoke(app, ["evaluate", "--period", "2026Q3", "--today", "2026-13-01"])
    assert bad.exit_code == 1
