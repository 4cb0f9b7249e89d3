"""The published sharing directory as DCAT-AP style JSON-LD."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from govshare.catalogue import dcat
from govshare.orgs.models import Department
from tests.catalogue import builders
from tests.orgs import builders as org_builders

BASE = "https://gs.example.gov.cn/"
EU = "http://publications.europa.eu/resource/authority/"


def _prefixes_in(node: Any, found: set[str]) -> None:
    """Every compact IRI prefix used as a key or a type, to check each one is declared."""
    if isinstance(node, dict):
        for key, value in node.items():
            if not key.startswith("@"):
                found.add(key.split(":")[0])
            if key == "@type":
                found.update(
                    t.split(":")[0] for t in ([value] if isinstance(value, str) else value)
                )
            _prefixes_in(value, found)
    elif isinstance(node, list):
        for value in node:
            _prefixes_in(value, found)


def _world(session: Session) -> Department:
    org_builders.department(session, authority=True, name="市政务服务数据管理局")
    dept = org_builders.department(session, name="市人力资源社会保障局")
    builders.published(
        session,
        dept,
        name="社会保险参保信息",
        name_en="Social insurance",
        update_cycle="monthly",
        sharing_type="conditional",
        sharing_basis="《社会保险法》",
        sharing_conditions="办理社保业务",
        purposes="待遇资格认定；就业登记",
        responsible_person="王五",
        related_codes=["101/000001"],
        sharing_method="table",
    )
    builders.published(session, dept, name="户籍登记信息", update_cycle="real_time", name_en="")
    builders.published(
        session,
        dept,
        name="涉及保密的比对信息",
        sharing_type="none",
        sharing_basis="《保守国家秘密法》",
        sharing_basis_kind="law",
        update_cycle="as_needed",
        sharing_method="verification_only",
    )
    builders.resource(session, dept, name="未发布的草稿")
    return dept


def test_directory_is_a_dcat_catalog_in_json_ld(session: Session) -> None:
    dept = _world(session)
    document = json.loads(
        json.dumps(dcat.directory_jsonld(session, base_url=BASE), ensure_ascii=False)
    )
    context = document["@context"]
    assert {"dcat", "dct", "foaf", "vcard", "adms"} <= set(context)
    assert (
        context["dcat"] == "http://www.w3.org/ns/dcat#"
        and context["dct"] == "http://purl.org/dc/terms/"
    )
    used: set[str] = set()
    _prefixes_in(document, used)
    assert used <= set(context), used - set(context)
    assert document["@type"] == "dcat:Catalog"
    assert document["dct:publisher"]["foaf:name"] == "市政务服务数据管理局"
    datasets = {d["dct:identifier"]: d for d in document["dcat:dataset"]}
    titles = {d["dct:title"][0]["@value"] for d in datasets.values()}
    assert titles == {
        "社会保险参保信息",
        "户籍登记信息",
        "涉及保密的比对信息",
    }  # the draft is not published
    for d in datasets.values():
        assert d["@type"] == "dcat:Dataset" and d["dct:identifier"]
        assert d["dct:title"][0]["@language"] == "zh"
        assert d["@id"].startswith("https://gs.example.gov.cn/api/v1/directory/")  # no double slash
        assert d["dct:publisher"]["foaf:name"] == dept.name

    social = next(d for d in datasets.values() if d["dct:title"][0]["@value"] == "社会保险参保信息")
    assert social["dct:title"][1] == {"@value": "Social insurance", "@language": "en"}
    assert social["dct:accrualPeriodicity"] == {"@id": f"{EU}frequency/MONTHLY"}
    assert social["dct:accessRights"] == {"@id": f"{EU}access-right/RESTRICTED"}
    assert {k["@value"] for k in social["dcat:keyword"]} >= {"部门", "待遇资格认定", "就业登记"}
    assert social["dct:issued"]["@type"] == "xsd:date"
    assert social["dcat:contactPoint"]["vcard:fn"] == "王五"
    distribution = social["dcat:distribution"][0]
    assert (
        distribution["@type"] == "dcat:Distribution"
        and distribution["dct:title"][0]["@value"] == "库表"
    )
    assert distribution["dct:rights"]["rdfs:label"]["@value"] == "办理社保业务"
    schema = social["dct:conformsTo"]
    assert [c["csvw:name"] for c in schema["csvw:column"]] == ["公民身份号码", "姓名", "婚姻状况"]
    assert schema["csvw:primaryKey"] == "公民身份号码"
    assert schema["csvw:column"][0]["csvw:datatype"] == {
        "csvw:base": "string",
        "csvw:maxLength": 18,
    }

    household = next(d for d in datasets.values() if d["dct:title"][0]["@value"] == "户籍登记信息")
    assert len(household["dct:title"]) == 1  # no English name, no empty English title
    assert household["dct:accrualPeriodicity"] == {"@id": f"{EU}frequency/CONT"}
    assert household["dct:accessRights"] == {"@id": f"{EU}access-right/PUBLIC"}
    secret = next(
        d for d in datasets.values() if d["dct:title"][0]["@value"] == "涉及保密的比对信息"
    )
    assert secret["dct:accrualPeriodicity"] == {"@id": f"{EU}frequency/IRREG"}
    assert secret["dct:accessRights"] == {"@id": f"{EU}access-right/NON_PUBLIC"}


def test_every_update_cycle_and_sharing_type_has_its_vocabulary_uri() -> None:
    from govshare.catalogue.enums import SharingType, UpdateCycle

    assert set(dcat.FREQUENCY) == set(UpdateCycle)
    assert set(dcat.ACCESS_RIGHTS) == set(SharingType)
    assert all(uri.startswith(f"{EU}frequency/") for uri in dcat.FREQUENCY.values())


def test_an_empty_directory_is_an_empty_catalog(session: Session) -> None:
    document = dcat.directory_jsonld(session, base_url=BASE)
    assert document["dcat:dataset"] == [] and document["@type"] == "dcat:Catalog"
