"""The published sharing directory as DCAT-AP style JSON-LD, for other catalogues and portals to harvest."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.catalogue.enums import SharingType, UpdateCycle
from govshare.catalogue.excel import (
    BASIC_CATEGORY_LABELS,
    CATALOGUE_KIND_LABELS,
    FORMAT_LABELS,
    SHARING_METHOD_LABELS,
)
from govshare.catalogue.models import DirectoryEntry
from govshare.orgs.models import Department

CONTEXT: dict[str, str] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "adms": "http://www.w3.org/ns/adms#",
    "csvw": "http://www.w3.org/ns/csvw#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
FREQUENCY: dict[str, str] = {
    UpdateCycle.REAL_TIME: f"{_FREQUENCY}CONT",
    UpdateCycle.DAILY: f"{_FREQUENCY}DAILY",
    UpdateCycle.WEEKLY: f"{_FREQUENCY}WEEKLY",
    UpdateCycle.MONTHLY: f"{_FREQUENCY}MONTHLY",
    UpdateCycle.QUARTERLY: f"{_FREQUENCY}QUARTERLY",
    UpdateCycle.YEARLY: f"{_FREQUENCY}ANNUAL",
    UpdateCycle.AS_NEEDED: f"{_FREQUENCY}IRREG",
}

_ACCESS = "http://publications.europa.eu/resource/authority/access-right/"
# Unconditional data is taken directly by any department; it is not open to the public (that is the
# open-data portal's business), but within the platform's audience it is public.
ACCESS_RIGHTS: dict[str, str] = {
    SharingType.UNCONDITIONAL: f"{_ACCESS}PUBLIC",
    SharingType.CONDITIONAL: f"{_ACCESS}RESTRICTED",
    SharingType.NONE: f"{_ACCESS}NON_PUBLIC",
}

# XSD datatypes of the data item types (csvw:datatype takes their names).
DATATYPES: dict[str, str] = {
    "string": "string",
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "datetime": "dateTime",
    "boolean": "boolean",
    "binary": "base64Binary",
}
_SPLIT = re.compile(r"[,，;；、\n]+")


def _texts(zh: str, en: str) -> list[dict[str, str]]:
    out = [{"@value": zh, "@language": "zh"}]
    if en:
        out.append({"@value": en, "@language": "en"})
    return out


def _datatype(item: dict[str, Any]) -> str | dict[str, Any]:
    base = DATATYPES.get(item.get("data_type") or "string", "string")
    if item.get("length") and base == "string":
        return {"csvw:base": base, "csvw:maxLength": item["length"]}
    return base


def _dataset(
    entry: DirectoryEntry, *, base_url: str, departments: dict[int, str]
) -> dict[str, Any]:
    snap = entry.snapshot
    url = f"{base_url}/api/v1/directory/{entry.resource_id}"
    keywords = [
        CATALOGUE_KIND_LABELS.get(entry.catalogue_kind, entry.catalogue_kind),
        *(
            [BASIC_CATEGORY_LABELS.get(snap["basic_category"], "")]
            if snap.get("basic_category")
            else []
        ),
        *(p.strip() for p in _SPLIT.split(snap.get("purposes") or "") if p.strip()),
    ]
    method = str(snap.get("sharing_method", ""))
    distribution: dict[str, Any] = {
        "@id": f"{url}#distribution",
        "@type": "dcat:Distribution",
        "dct:title": _texts(SHARING_METHOD_LABELS.get(method, method), method),
        "dcat:accessURL": {"@id": url},
        "dct:format": FORMAT_LABELS.get(entry.format, entry.format),
        "dct:accessRights": {"@id": ACCESS_RIGHTS[entry.sharing_type]},
    }
    if snap.get("sharing_conditions"):
        distribution["dct:rights"] = {
            "@type": "dct:RightsStatement",
            "rdfs:label": {"@value": snap["sharing_conditions"], "@language": "zh"},
        }
    columns = [
        {
            "@type": "csvw:Column",
            "csvw:name": item["name"],
            "csvw:titles": _texts(item["name"], item.get("name_en") or ""),
            "csvw:datatype": _datatype(item),
            **({"dct:description": item["description"]} if item.get("description") else {}),
        }
        for item in snap.get("items", [])
    ]
    keys = [i["name"] for i in snap.get("items", []) if i.get("is_subject_key")]
    dataset: dict[str, Any] = {
        "@id": url,
        "@type": "dcat:Dataset",
        "dct:identifier": entry.code,
        "adms:identifier": {"@type": "adms:Identifier", "skos:notation": entry.code},
        "dct:title": _texts(entry.name, entry.name_en),
        "dct:description": _texts(snap.get("abstract") or entry.name, ""),
        "dct:publisher": {
            "@id": f"{base_url}/api/v1/departments/{entry.department_id}",
            "@type": "foaf:Organization",
            "foaf:name": snap.get("department_name") or departments.get(entry.department_id, ""),
        },
        "dct:accrualPeriodicity": {"@id": FREQUENCY[entry.update_cycle]},
        "dct:accessRights": {"@id": ACCESS_RIGHTS[entry.sharing_type]},
        "dcat:keyword": [{"@value": k, "@language": "zh"} for k in dict.fromkeys(keywords) if k],
        "dct:modified": {"@value": entry.published_at.isoformat(), "@type": "xsd:dateTime"},
        "owl:versionInfo": str(entry.version),
        "dcat:landingPage": {"@id": url},
        "dcat:distribution": [distribution],
        "dct:conformsTo": {
            "@id": f"{url}#schema",
            "@type": ["dct:Standard", "csvw:Schema"],
            "dct:title": _texts(
                f"{entry.name} 信息项", f"{entry.name_en} data items" if entry.name_en else ""
            ),
            "csvw:column": columns,
            **({"csvw:primaryKey": keys[0]} if keys else {}),
        },
    }
    if snap.get("published_on"):
        dataset["dct:issued"] = {"@value": snap["published_on"], "@type": "xsd:date"}
    if snap.get("responsible_person"):
        dataset["dcat:contactPoint"] = {
            "@type": "vcard:Kind",
            "vcard:fn": snap["responsible_person"],
        }
    if snap.get("related_codes"):
        dataset["dct:relation"] = [{"dct:identifier": code} for code in snap["related_codes"]]
    return dataset


def directory_jsonld(session: Session, *, base_url: str) -> dict[str, Any]:
    """The published directory as a DCAT-AP style dcat:Catalog in JSON-LD."""
    base_url = base_url.rstrip("/")
    departments = {i: n for i, n in session.execute(select(Department.id, Department.name))}
    authority = session.scalar(select(Department).where(Department.is_authority.is_(True)).limit(1))
    entries = session.scalars(select(DirectoryEntry).order_by(DirectoryEntry.code))
    catalog: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": f"{base_url}/api/v1/directory/dcat.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": _texts("政务信息共享目录", "Government information sharing directory"),
        "dct:description": _texts(
            "本级政务部门已发布的政务信息共享目录",
            "The published sharing directory of this level's departments",
        ),
        "dcat:dataset": [_dataset(e, base_url=base_url, departments=departments) for e in entries],
    }
    if authority is not None:
        catalog["dct:publisher"] = {
            "@id": f"{base_url}/api/v1/departments/{authority.id}",
            "@type": "foaf:Organization",
            "foaf:name": authority.name,
        }
    return catalog
