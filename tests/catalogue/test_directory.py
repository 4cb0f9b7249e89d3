"""The sharing directory for its readers: Chinese and English search, filters, facets, pagination, the index."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from govshare import migrate
from govshare.catalogue import directory
from govshare.catalogue import service as catalogue
from govshare.catalogue.models import Resource
from govshare.db import make_engine
from govshare.kit.errors import Invalid
from govshare.orgs.models import Department, Role
from tests.catalogue import builders
from tests.catalogue.builders import OPERATOR
from tests.orgs import builders as org_builders

ITEMS = [{"name": "统一编号", "data_type": "string", "length": 30, "is_subject_key": True}]


@pytest.fixture()
def dept(session: Session) -> Department:
    org_builders.department(session, authority=True)
    return org_builders.department(session, name="市公安局", name_en="Public Security Bureau")


def publish(
    session: Session, dept: Department, name: str, name_en: str = "", **overrides: Any
) -> Resource:
    """A published entry whose searchable text is only what the test gives (no default items)."""
    values: dict[str, Any] = {"name_en": name_en, "abstract": "", "items": ITEMS, **overrides}
    return builders.published(session, dept, name=name, **values)


def names(session: Session, q: str, **kwargs: Any) -> list[str]:
    return [e.name for e in directory.search(session, q=q, **kwargs).items]


def test_query_terms_are_bigrams_cut_at_known_words() -> None:
    assert directory.query_terms("户籍登记信息") == ["户籍", "登记", "记信", "信息"]
    assert directory.query_terms("户") == ["户"]
    assert directory.query_terms("社保缴费") == ["社保", "缴费"]
    assert directory.query_terms("社保卡") == ["社保", "卡"]
    assert directory.query_terms("居民身份证") == ["居民", "民身", "身份", "份证"]
    assert directory.query_terms("Household  REGISTRATION") == ["household", "registration"]
    assert directory.query_terms("户籍 household") == ["户籍", "household"]


def test_chinese_bigrams_find_a_word_inside_longer_names(
    session: Session, dept: Department
) -> None:
    for name in ("户籍登记信息", "婚姻登记信息", "企业登记信息", "户外广告设置许可"):
        publish(session, dept, name)
    assert names(session, "户籍") == ["户籍登记信息"]
    assert names(session, "户籍登记") == ["户籍登记信息"]
    assert set(names(session, "登记")) == {"企业登记信息", "户籍登记信息", "婚姻登记信息"}
    assert names(session, "婚姻登记信息") == ["婚姻登记信息"]
    # both characters, but not side by side: not a match
    assert names(session, "户记") == []


def test_a_single_character_query_matches_any_entry_with_it(
    session: Session, dept: Department
) -> None:
    for name in ("户籍登记信息", "户外广告设置许可", "婚姻登记信息"):
        publish(session, dept, name)
    assert set(names(session, "户")) == {"户外广告设置许可", "户籍登记信息"}
    assert names(session, "婚") == ["婚姻登记信息"]


def test_abbreviations_find_the_catalogue_words_and_back(
    session: Session, dept: Department
) -> None:
    publish(session, dept, "户籍登记信息")
    publish(session, dept, "社会保险参保信息")
    publish(session, dept, "社会保险缴费记录")
    publish(session, dept, "社保卡发放信息")
    publish(session, dept, "住房公积金缴存信息")
    assert set(names(session, "社保")) == {
        "社会保险参保信息",
        "社会保险缴费记录",
        "社保卡发放信息",
    }
    assert names(session, "户口") == ["户籍登记信息"]
    assert names(session, "公积金") == ["住房公积金缴存信息"]
    assert names(session, "社会保障") == ["社保卡发放信息"]
    # an abbreviation inside a longer query: 社保 + 缴费, not the bigram 保缴
    assert names(session, "社保缴费") == ["社会保险缴费记录"]
    assert names(session, "社保卡") == ["社保卡发放信息"]


def test_english_words_match_names_items_and_synonyms(session: Session, dept: Department) -> None:
    publish(session, dept, "户籍登记信息", "Household registration")
    publish(session, dept, "社会保险参保信息", "Social insurance enrolment")
    publish(
        session,
        dept,
        "不动产登记信息",
        items=[
            {"name": "不动产单元号", "name_en": "Real estate unit number", "is_subject_key": True}
        ],
    )
    assert names(session, "household") == ["户籍登记信息"]
    assert names(session, "HOUSEHOLD Registration") == ["户籍登记信息"]
    assert names(session, "social security") == ["社会保险参保信息"]  # 社会保险 ↔ social security
    assert names(session, "estate") == ["不动产登记信息"]  # an item's English name
    assert names(session, "regist") == ["户籍登记信息"]  # words match as prefixes
    assert names(session, "marriage") == []


def test_an_english_synonym_is_found_in_a_chinese_only_entry(
    session: Session, dept: Department
) -> None:
    publish(session, dept, "户籍迁移信息")  # no English name at all
    assert names(session, "household") == ["户籍迁移信息"]


def test_mixed_chinese_and_english_queries_need_every_term(
    session: Session, dept: Department
) -> None:
    publish(session, dept, "户籍登记信息", "Household registration")
    publish(session, dept, "企业登记信息", "Enterprise registration")
    assert names(session, "户籍 household") == ["户籍登记信息"]
    assert names(session, "企业 registration") == ["企业登记信息"]
    assert names(session, "户籍 enterprise") == []
    assert set(names(session, "登记 registration")) == {"企业登记信息", "户籍登记信息"}


def test_exact_names_first_then_name_matches_then_code(session: Session, dept: Department) -> None:
    item_only = publish(
        session, dept, "人口基础信息", items=[{"name": "户籍地址", "is_subject_key": True}]
    )
    longer = publish(session, dept, "户籍登记信息变更记录")
    exact = publish(session, dept, "户籍登记信息")
    assert names(session, "户籍登记信息") == [exact.name, longer.name]
    assert names(session, "户籍")[-1] == item_only.name  # a name match outranks an item match


def test_filters_narrow_and_facets_count_the_filtered_match(
    session: Session, dept: Department
) -> None:
    other = org_builders.department(session, name="市民政局")
    publish(session, dept, "户籍登记信息", catalogue_kind="basic", basic_category="natural_person")
    publish(
        session,
        dept,
        "居住证登记信息",
        sharing_type="conditional",
        sharing_basis="《居住证暂行条例》",
        sharing_conditions="办理居住证业务",
        update_cycle="monthly",
    )
    publish(session, other, "婚姻登记信息", format="spreadsheet", update_cycle="monthly")
    publish(session, other, "社会组织登记信息", format="spreadsheet", update_cycle="yearly")
    publish(session, other, "殡葬服务信息")

    everything = directory.search(session)  # the landing page: no text, no filter
    assert everything.total == 5
    assert [e.code for e in everything.items] == sorted(e.code for e in everything.items)
    assert everything.facets["department_id"] == {str(dept.id): 2, str(other.id): 3}
    assert everything.facets["update_cycle"] == {"daily": 2, "monthly": 2, "yearly": 1}
    result = directory.search(session, q="登记")
    assert result.total == 4
    assert result.facets == {
        "department_id": {str(dept.id): 2, str(other.id): 2},
        "catalogue_kind": {"basic": 1, "departmental": 3},
        "sharing_type": {"unconditional": 3, "conditional": 1},
        "format": {"database": 2, "spreadsheet": 2},
        "update_cycle": {"daily": 1, "monthly": 2, "yearly": 1},
    }
    result = directory.search(
        session, q="登记", filters={"department_id": str(other.id), "update_cycle": "monthly"}
    )
    assert [e.name for e in result.items] == ["婚姻登记信息"]
    assert result.facets["department_id"] == {str(other.id): 1}
    result = directory.search(
        session, q="", filters={"format": "spreadsheet", "sharing_type": None}
    )
    assert result.total == 2 and result.facets["update_cycle"] == {"monthly": 1, "yearly": 1}
    result = directory.search(
        session, filters={"department_id": dept.id, "sharing_type": "conditional"}
    )
    assert [e.name for e in result.items] == ["居住证登记信息"]
    assert directory.search(session, q="殡葬", filters={"catalogue_kind": "basic"}).total == 0
    with pytest.raises(Invalid):
        directory.search(session, filters={"department_id": "public-security"})


def test_pages_cover_the_match_once(session: Session, dept: Department) -> None:
    made = {publish(session, dept, f"第{n}类登记信息").name for n in "一二三四五"}
    publish(session, dept, "殡葬服务信息")
    pages = [directory.search(session, q="登记", page=p, per_page=2) for p in (1, 2, 3, 4)]
    assert [len(p.items) for p in pages] == [2, 2, 1, 0]
    assert {p.total for p in pages} == {5}
    seen = [e.name for p in pages for e in p.items]
    assert sorted(seen) == sorted(made)
    assert len(directory.search(session, q="登记", per_page=10_000).items) == 5


def _index_rows(session: Session, resource_id: int) -> int:
    if session.get_bind().dialect.name == "sqlite":
        stmt = text("SELECT count(*) FROM directory_search WHERE rowid = :id")
        return int(session.scalar(stmt, {"id": resource_id}) or 0)
    # PostgreSQL: the index is a generated column of the entry's own row
    stmt = text(
        "SELECT count(*) FROM directory_entry WHERE resource_id = :id AND search_vector IS NOT NULL"
    )
    return int(session.scalar(stmt, {"id": resource_id}) or 0)


def test_republishing_reindexes_without_duplicates(session: Session, dept: Department) -> None:
    r = publish(session, dept, "出生医学证明信息")
    data = catalogue.as_input(r).model_copy(update={"name": "死亡医学证明信息"})
    catalogue.update_resource(session, actor=OPERATOR, resource_id=r.id, data=data)
    for step in (catalogue.submit, catalogue.approve):
        step(session, actor=OPERATOR, resource_id=r.id, today=date(2026, 11, 3))
    catalogue.publish(session, actor=OPERATOR, resource_ids=[r.id], today=date(2026, 11, 3))
    directory.index_entry(session, directory.get_entry(session, resource_id=r.id))  # once more
    assert names(session, "死亡") == ["死亡医学证明信息"]
    assert names(session, "出生") == []
    assert directory.search(session, q="医学证明").total == 1
    assert _index_rows(session, r.id) == 1


def test_a_decided_sharing_type_is_what_the_directory_shows(
    session: Session, dept: Department
) -> None:
    r = publish(
        session,
        dept,
        "人口统计信息",
        sharing_type="none",
        sharing_basis="《统计法》",
        sharing_basis_kind="law",
    )
    staff = org_builders.actor_of(
        org_builders.user(session, role=Role.STAFF, dept=org_builders.department(session))
    )
    dispute = catalogue.raise_dispute(
        session,
        actor=staff,
        resource_id=r.id,
        requested_type="conditional",
        reason="办理救助业务需要",
        today=date(2026, 11, 3),
    )
    catalogue.decide_dispute(
        session,
        actor=OPERATOR,
        dispute_id=dispute.id,
        decided_type="conditional",
        reason="依申请共享",
        today=date(2026, 11, 10),
    )
    assert names(session, "人口", filters={"sharing_type": "conditional"}) == ["人口统计信息"]
    assert names(session, "人口", filters={"sharing_type": "none"}) == []
    assert directory.search(session, q="人口").facets["sharing_type"] == {"conditional": 1}
    assert _index_rows(session, r.id) == 1


def test_no_match_is_an_empty_page(session: Session, dept: Department) -> None:
    publish(session, dept, "户籍登记信息", "Household registration")
    for q in ("土地", "landfill", "户籍 土地", "！？", "ñ"):
        result = directory.search(session, q=q)
        assert (result.items, result.total) == ([], 0), q
        assert all(counts == {} for counts in result.facets.values())


def test_reindex_all_applies_new_synonyms(
    session: Session, dept: Department, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(session, dept, "最低生活保障对象信息")
    publish(session, dept, "殡葬服务信息")
    assert names(session, "兜底") == []
    monkeypatch.setitem(directory.SYNONYMS, "兜底", ("最低生活保障",))
    assert directory.reindex_all(session) == 2
    assert names(session, "兜底") == ["最低生活保障对象信息"]
    assert names(session, "低保") == ["最低生活保障对象信息"]


def test_the_migration_downgrade_removes_the_index(database_factory: Any) -> None:
    url = database_factory()
    engine = make_engine(url)
    try:

        def has_index() -> bool:
            inspector = inspect(engine)
            if engine.dialect.name == "sqlite":
                return "directory_search" in inspector.get_table_names()
            return "search_vector" in {c["name"] for c in inspector.get_columns("directory_entry")}

        assert has_index()
        command.downgrade(migrate.alembic_config(url), "0001")
        assert not has_index()
        migrate.upgrade(url=url)
        assert has_index()
    finally:
        engine.dispose()
