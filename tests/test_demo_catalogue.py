"""The demo catalogue: the basic information of GZ 21, 23 and 24, every workflow state, the deadlines of GZ 8."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare import demo, demo_catalogue
from govshare.audit import service as audit
from govshare.catalogue import directory
from govshare.catalogue import service as catalogue
from govshare.catalogue.enums import (
    CatalogueKind,
    DisputeStatus,
    ResourceStatus,
    SharingType,
    SubjectKeyType,
)
from govshare.catalogue.models import CatalogueReview, DirectoryEntry, Resource
from govshare.db import make_engine, make_session_factory, transaction
from govshare.kit.actor import Actor
from govshare.orgs.models import Department

TODAY = date(2026, 11, 20)


def _departments(session: Session) -> dict[str, Department]:
    """The demo's departments, made as `demo.create` makes them."""
    return demo.create_departments(session, actor=Actor.operator("demo"))


@pytest.fixture(scope="module")
def loaded(database_factory: Any) -> Iterator[tuple[Session, dict[str, int]]]:
    """One database with the demo catalogue loaded, shared by the tests of this module."""
    engine = make_engine(database_factory())
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        counts = demo_catalogue.load(session, depts=_departments(session), today=TODAY)
    with factory() as session:
        yield session, counts
    engine.dispose()


def test_the_catalogue_is_large_and_every_status_is_present(
    loaded: tuple[Session, dict[str, int]],
) -> None:
    session, counts = loaded
    assert set(counts) == {str(s) for s in ResourceStatus}
    assert sum(counts.values()) >= 40
    assert all(n > 0 for n in counts.values()), counts
    assert counts["published"] > sum(n for s, n in counts.items() if s != "published")
    in_db = list(session.scalars(select(Resource)))
    assert len(in_db) == sum(counts.values())


def test_every_published_entry_is_in_the_directory_with_all_sharing_types(
    loaded: tuple[Session, dict[str, int]],
) -> None:
    session, _ = loaded
    published = list(
        session.scalars(select(Resource).where(Resource.status == ResourceStatus.PUBLISHED))
    )
    entries = {e.resource_id: e for e in session.scalars(select(DirectoryEntry))}
    assert set(entries) == {r.id for r in published}
    for r in published:
        assert entries[r.id].version == r.published_version
    assert {e.sharing_type for e in entries.values()} == {str(t) for t in SharingType}
    # GZ 9: some conditional entries share some of their items directly
    assert any(
        directory.access_mode(e)["direct_items"]
        for e in entries.values()
        if e.sharing_type == SharingType.CONDITIONAL
    )


def test_the_entries_follow_the_rules_and_cover_gz_21_23_24(
    loaded: tuple[Session, dict[str, int]],
) -> None:
    session, _ = loaded
    resources = list(session.scalars(select(Resource)))
    by_name = {r.name: r for r in resources}
    for r in resources:
        assert 3 <= len(r.items) <= 12, r.name
        keys = [i.name for i in r.items if i.is_subject_key]
        assert len(keys) == 1, r.name
        if r.subject_key_type == SubjectKeyType.RESIDENT_ID:
            assert keys == ["公民身份号码"], r.name
        elif r.subject_key_type == SubjectKeyType.CREDIT_CODE:
            assert keys == ["统一社会信用代码"], r.name
        else:
            assert keys == [r.subject_key_name], r.name
        assert all(i.name_en for i in r.items), r.name
        if r.catalogue_kind == CatalogueKind.BASIC and r.status == ResourceStatus.PUBLISHED:
            assert r.sharing_type == SharingType.UNCONDITIONAL, r.name  # GZ 10
        if r.sharing_type == SharingType.CONDITIONAL:
            assert r.sharing_basis and r.sharing_conditions, r.name
        if r.sharing_type == SharingType.NONE:
            assert r.sharing_basis_kind == "law", r.name
    providers = {
        "户籍登记信息": "GZ-GAJ",
        "来穗人员居住登记信息": "GZ-LSJ",
        "来穗人员居住证信息": "GZ-LSJ",
        "婚姻登记信息": "GZ-MZJ",
        "收养登记信息": "GZ-MZJ",
        "出生医学证明信息": "GZ-WJW",
        "死亡登记信息": "GZ-GAJ",
        "计划生育信息": "GZ-WJW",
        "社会保险参保信息": "GZ-RSJ",
        "社会保险缴费信息": "GZ-RSJ",
        "最低生活保障信息": "GZ-MZJ",
        "学籍信息": "GZ-JYJ",
        "学历信息": "GZ-JYJ",
        "残疾人证信息": "GZ-CL",
        "住房公积金缴存信息": "GZ-GJJ",
        "个人所得税纳税信息": "GZ-SWJ",
        "指定监护信息": "GZ-MZJ",
        "专业技术人员职业资格证书信息": "GZ-RSJ",
        "企业登记信息": "GZ-SCJ",
        "个体工商户登记信息": "GZ-SCJ",
        "企业税务登记信息": "GZ-SWJ",
        "社会组织登记信息": "GZ-MZJ",
        "法人和其他组织统一社会信用代码信息": "GZ-SCJ",
        "律师执业信息": "GZ-SFJ",
        "市场监管行政处罚信息": "GZ-SCJ",
    }
    codes = {d.id: d.code for d in session.scalars(select(Department))}
    for name, code in providers.items():
        assert codes[by_name[name].department_id] == code, name
    assert "事业单位登记信息" in by_name
    thematic = [r for r in resources if r.catalogue_kind == CatalogueKind.THEMATIC]
    assert thematic and all(r.thematic_lead_department_id for r in thematic)
    categories = {r.basic_category for r in resources if r.basic_category}
    assert categories == {"natural_person", "legal_person", "natural_resources", "e_certificate"}


def test_directory_search_finds_the_common_queries(
    loaded: tuple[Session, dict[str, int]],
) -> None:
    session, _ = loaded
    for query, expected in (
        ("户籍", "户籍登记信息"),
        ("社保", "社会保险参保信息"),
        ("企业", "企业登记信息"),
        ("公积金", "住房公积金缴存信息"),
        ("household", "户籍登记信息"),
    ):
        names = [e.name for e in directory.search(session, q=query, per_page=100).items]
        assert expected in names, (query, names)


def test_the_deadlines_of_gz_8_have_something_to_show(
    loaded: tuple[Session, dict[str, int]],
) -> None:
    session, _ = loaded
    submitted = list(
        session.scalars(select(Resource).where(Resource.status == ResourceStatus.SUBMITTED))
    )
    overdue = [r for r in submitted if r.review_due_on is not None and r.review_due_on < TODAY]
    assert len(overdue) == 1 and len(submitted) > 1
    returned = session.scalars(
        select(Resource).where(Resource.status == ResourceStatus.RETURNED)
    ).all()
    assert returned and all(r.review_comment for r in returned)

    events = catalogue.change_events(session)
    resolved = [e for e in events if e.resolved_on is not None]
    open_ = [e for e in events if e.resolved_on is None]
    assert len(resolved) == 1 and len(open_) == 1
    done, due = resolved[0].resolved_on, resolved[0].due_on
    assert done is not None and due is not None and done <= due  # updated in time
    assert open_[0].due_on is not None and open_[0].due_on < TODAY  # and one overdue
    # the resolving submission is the second version of the minimum living allowance entry
    allowance = catalogue.get_by_code(
        session,
        code=session.scalars(
            select(Resource.code).where(Resource.name == "最低生活保障信息")
        ).one(),
    )
    assert allowance.published_version == 2
    changes = catalogue.diff_versions(session, resource_id=allowance.id, old=1, new=2)
    assert any(c["field"] == "items[低保边缘家庭标识]" for c in changes)


def test_disputes_reviews_and_dates(loaded: tuple[Session, dict[str, int]]) -> None:
    session, _ = loaded
    disputes = catalogue.disputes(session)
    assert {d.status for d in disputes} == {DisputeStatus.OPEN, DisputeStatus.DECIDED}
    decided = next(d for d in disputes if d.status == DisputeStatus.DECIDED)
    entry = directory.get_entry(session, resource_id=decided.resource_id)
    assert entry.sharing_type == decided.decided_type
    assert session.scalars(select(CatalogueReview)).all()
    for r in session.scalars(select(Resource)):
        assert r.submitted_on is None or r.submitted_on <= TODAY
        assert r.published_on is None or r.published_on <= TODAY


def test_the_audit_chain_holds(loaded: tuple[Session, dict[str, int]]) -> None:
    session, _ = loaded
    assert audit.verify(session).ok
