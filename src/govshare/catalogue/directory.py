"""The sharing directory as its readers see it: search in Chinese and English, filters, facets, access modes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.catalogue.enums import SharingType
from govshare.catalogue.models import DirectoryEntry
from govshare.kit.errors import NotFound

# Abbreviations officials type, mapped to the words the catalogue uses (both directions are indexed).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "社保": ("社会保险", "社会保障"),
    "户口": ("户籍",),
    "公积金": ("住房公积金",),
    "身份证": ("居民身份证", "公民身份号码"),
    "个税": ("个人所得税",),
    "营业执照": ("企业登记", "市场主体登记"),
    "低保": ("最低生活保障",),
    "残疾证": ("残疾人证", "残疾人登记"),
    "social security": ("社会保险", "社会保障"),
    "household": ("户籍",),
    "marriage": ("婚姻",),
    "tax": ("纳税", "税务"),
    "enterprise": ("企业",),
    "provident fund": ("住房公积金",),
}

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    """Index terms of a text: CJK unigrams and bigrams (no dictionary needed), lower-cased words."""
    text = text.lower()
    out: list[str] = []
    for run in _CJK.findall(text):
        out.extend(run)
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    out.extend(_WORD.findall(text))
    return out


def query_terms(query: str) -> list[str]:
    """Terms that must all match: CJK bigrams (a single character alone), English words."""
    query = query.lower().strip()
    terms: list[str] = []
    for run in _CJK.findall(query):
        terms.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
    terms.extend(_WORD.findall(query))
    return list(dict.fromkeys(terms))


def expand(text: str) -> str:
    """The text with the catalogue words for each abbreviation it contains, and vice versa."""
    lowered = text.lower()
    extra = []
    for short, longs in SYNONYMS.items():
        if short in lowered:
            extra.extend(longs)
        if any(long in text for long in longs):
            extra.append(short)
    return " ".join([text, *extra])


def search_text(snapshot: dict[str, Any]) -> str:
    """The searchable text of a published entry: names, abstract, items, provider, in both languages."""
    parts = [
        snapshot.get("name", ""), snapshot.get("name_en", ""), snapshot.get("abstract", ""),
        snapshot.get("code", ""), snapshot.get("department_name", ""), snapshot.get("purposes", ""),
    ]
    parts += [f"{i.get('name', '')} {i.get('name_en', '')}" for i in snapshot.get("items", [])]
    # padded with spaces so that a term matches whole with LIKE '% term %'
    return " " + " ".join(dict.fromkeys(tokens(expand(" ".join(p for p in parts if p))))) + " "


def index_entry(session: Session, entry: DirectoryEntry) -> None:
    """Keeps the full-text index of the directory in step with an entry (the column itself is the index here)."""
    entry.search_text = search_text(entry.snapshot)


ACCESS = {
    SharingType.UNCONDITIONAL: "take_directly",
    SharingType.CONDITIONAL: "apply",
    SharingType.NONE: "verify_only",
}


def access_mode(entry: DirectoryEntry) -> dict[str, Any]:
    """What a consumer must do to use the entry: take directly, apply, or verify only (GZ 26)."""
    mode = ACCESS[SharingType(entry.sharing_type)]
    direct_items = [
        i["name"] for i in entry.snapshot.get("items", [])
        if entry.sharing_type == SharingType.CONDITIONAL and i.get("sharing_type") == SharingType.UNCONDITIONAL
    ]
    return {"mode": mode, "direct_items": direct_items}


@dataclass
class SearchResult:
    """One page of directory hits with facet counts over the whole match."""

    items: list[DirectoryEntry]
    total: int
    page: int
    per_page: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


FACETS = ("department_id", "catalogue_kind", "sharing_type", "format", "update_cycle")


def search(
    session: Session,
    *,
    q: str = "",
    filters: dict[str, str | int | None] | None = None,
    page: int = 1,
    per_page: int = 20,
) -> SearchResult:
    """Searches the published directory; every filter narrows, facets count the filtered match."""
    conditions = []
    for term in query_terms(q):
        conditions.append(DirectoryEntry.search_text.like(f"% {term} %"))
    for name, value in (filters or {}).items():
        if value not in (None, "") and name in FACETS:
            conditions.append(getattr(DirectoryEntry, name) == value)
    base = select(DirectoryEntry).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    items = list(session.scalars(base.order_by(DirectoryEntry.code).limit(per_page).offset((page - 1) * per_page)))
    facets: dict[str, dict[str, int]] = {}
    for name in FACETS:
        column = getattr(DirectoryEntry, name)
        rows = session.execute(select(column, func.count()).where(*conditions).group_by(column))
        facets[name] = {str(k): int(n) for k, n in rows}
    return SearchResult(items=items, total=total, page=page, per_page=per_page, facets=facets)


def get_entry(session: Session, *, resource_id: int) -> DirectoryEntry:
    """One published entry of the directory."""
    entry = session.get(DirectoryEntry, resource_id)
    if entry is None:
        raise NotFound(f"entry {resource_id} is not in the sharing directory", code="not_in_directory")
    return entry
