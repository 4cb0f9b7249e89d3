"""The sharing directory as its readers see it: search in Chinese and English, filters, facets, access modes.

How the search finds Chinese. Chinese has no spaces, so a full-text index needs something that
cuts it into terms. A word segmenter (jieba, ICU; zhparser or pg_jieba inside PostgreSQL) needs
a dictionary, misses the platform's own vocabulary (户籍, 不动产, 公积金 …) unless someone keeps
that dictionary up to date, and on PostgreSQL is an extension the usual distributions do not
ship. So the text is pre-tokenised here, in Python, identically for both databases, in the
classic CJK bigram way (Lucene's CJKAnalyzer): each run of Chinese gives its characters (so a
one-character query works) and its overlapping bigrams; English gives lower-cased words. A query
of n characters must contain all of its n-1 bigrams: 户籍 finds 户籍登记信息, and an entry that
merely holds 户 and 籍 apart is not found. Abbreviations officials type (社保, 户口, household …)
are expanded when an entry is indexed (`SYNONYMS`, both directions), and a query is cut at the
known words it contains, so that 社保缴费 asks for 社保 + 缴费 and not for the bigram 保缴 that
no entry holds.

The terms are stored in `DirectoryEntry.search_text` as "<name terms> | <body terms>" and
indexed by a real full-text index (migration 0002; a LIKE over the text scans every row):

- SQLite: an FTS5 table `directory_search` (rowid = resource id) with the `unicode61`
  tokenizer, which splits the pre-tokenised text at the spaces and so indexes exactly our terms.
  Not `trigram`: it cannot match a query shorter than three characters, and two-character words
  (户籍, 社保, 婚姻) are most of what officials type. A regular FTS5 table, keeping its own copy
  of the terms, rather than an external-content or contentless one: those delete a row only when
  given its old text, which the ORM has already overwritten when `index_entry` runs, and a wrong
  delete silently corrupts the index. Here re-indexing is a plain delete by rowid + insert.
- PostgreSQL: a stored generated tsvector column `directory_entry.search_vector` (config
  `simple`: no stemming, no stop words, since the terms are already normalised; the name half
  weighted A, the rest D) with a GIN index. The database keeps it in step with `search_text`,
  so it cannot drift, and being a column of the entry it needs no join and goes wherever the
  table goes (the demo's reset drops the tables of the models). Its storage is MAIN: the vector
  stays in the row while the snapshot moves to TOAST, because when a term matches a large share
  of the directory the planner scans and ranks every row, and fetching each vector from TOAST
  made that five times slower.

Ranking: an exact name (Chinese, or English ignoring case) first, then relevance in which the
name's terms weigh more than the rest (FTS5 bm25 with column weights 10:1; ts_rank with weights
A and D), then the resource code. English words match as prefixes (`regist` finds registration).
Bigrams trade a little precision for needing no dictionary: 户籍 also matches 住户籍贯 (rare in
catalogue names; ranking puts names that hold the word first).

One statement answers a search: the match is materialised once with narrow columns, counted by
each facet and ranked for the page; then the page's 20 entries are read whole. The work grows
with the number of matches (every match is counted and ranked), not with the directory.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    bindparam,
    case,
    cast,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    union_all,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnClause

from govshare.catalogue.enums import SharingType
from govshare.catalogue.models import DirectoryEntry
from govshare.kit.errors import Invalid, NotFound

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
_HALVES = "|"  # separates the name terms from the body terms in search_text; no term contains it

FACETS = ("department_id", "catalogue_kind", "sharing_type", "format", "update_cycle")

# SQLite: the FTS5 table of migration 0002 (not an ORM model: it is a virtual table).
_FTS = table("directory_search", column("rowid", Integer))
_FTS_NAME: ColumnClause[Any] = literal_column("directory_search")
# PostgreSQL: the generated column of migration 0002 (maintained by the database, so not mapped).
_PG_VECTOR: ColumnClause[Any] = literal_column("directory_entry.search_vector")
_PG_CONFIG: ColumnClause[Any] = literal_column("'simple'::regconfig")


# --- terms -------------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """Index terms of a text: CJK unigrams and bigrams (no dictionary needed), lower-cased words."""
    text = text.lower()
    out: list[str] = []
    for run in _CJK.findall(text):
        out += run
        out += [a + b for a, b in pairwise(run)]
    out += _WORD.findall(text)
    return out


def _known_words() -> set[str]:
    """The Chinese words of SYNONYMS: a query is cut at their edges."""
    words = (w for short, longs in SYNONYMS.items() for w in (short, *longs))
    return {w for w in words if len(w) > 1 and _CJK.fullmatch(w)}


def _cjk_query_terms(run: str) -> list[str]:
    spans = [
        (m.start(), m.end()) for word in _known_words() for m in re.finditer(re.escape(word), run)
    ]
    # a cut at the edge of a known word, unless it falls inside a longer known word
    cuts = sorted(
        {
            p
            for span in spans
            for p in span
            if 0 < p < len(run) and not any(s < p < e for s, e in spans)
        }
    )
    terms: list[str] = []
    for a, b in zip([0, *cuts], [*cuts, len(run)], strict=True):
        piece = run[a:b]
        terms.extend(
            [piece] if len(piece) == 1 else [piece[i : i + 2] for i in range(len(piece) - 1)]
        )
    return terms


def query_terms(query: str) -> list[str]:
    """Terms that must all match: CJK bigrams (a single character alone), English words."""
    query = query.lower().strip()
    terms: list[str] = []
    for run in _CJK.findall(query):
        terms.extend(_cjk_query_terms(run))
    terms.extend(_WORD.findall(query))
    return list(dict.fromkeys(terms))


def expand(text: str) -> str:
    """The text with the catalogue words for each abbreviation it contains, and vice versa."""
    lowered = text.lower()
    # English counts from a word's start ("tax" in "taxation", not in "syntax"): look for " tax"
    words = " " + " ".join(_WORD.findall(lowered))
    vocabulary = {w for short, longs in SYNONYMS.items() for w in (short, *longs)}
    found = {w for w in vocabulary if (f" {w}" in words if w.isascii() else w in lowered)}
    extra: list[str] = []
    for short, longs in SYNONYMS.items():
        if short in found:
            extra.extend(longs)
        if found.intersection(longs):
            extra.append(short)
    return " ".join([text, *extra])


def _terms(parts: list[str]) -> list[str]:
    return list(dict.fromkeys(tokens(expand(" ".join(p for p in parts if p)))))


def search_text(snapshot: dict[str, Any]) -> str:
    """The searchable terms of a published entry, "<name terms> | <body terms>", in both languages."""
    name = _terms([snapshot.get("name", ""), snapshot.get("name_en", "")])
    body_parts = [
        snapshot.get("abstract", ""),
        snapshot.get("code", ""),
        snapshot.get("department_name", ""),
        snapshot.get("purposes", ""),
    ]
    body_parts += [f"{i.get('name', '')} {i.get('name_en', '')}" for i in snapshot.get("items", [])]
    seen = set(name)
    body = [t for t in _terms(body_parts) if t not in seen]
    return f"{' '.join(name)} {_HALVES} {' '.join(body)}"


# --- the index ---------------------------------------------------------------------------------


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def index_texts(session: Session, *, texts: Mapping[int, str]) -> None:
    """Writes the index rows of entries (resource id → their search_text), replacing any old ones.

    SQLite: one executemany delete and one insert into the FTS5 table. PostgreSQL: nothing, the
    database derives search_vector from search_text.
    """
    if not texts or _dialect(session) != "sqlite":
        return
    session.execute(
        text("DELETE FROM directory_search WHERE rowid = :id"), [{"id": i} for i in texts]
    )
    rows = []
    for resource_id, terms in texts.items():
        name, _, body = terms.partition(_HALVES)
        rows.append({"id": resource_id, "name": name, "body": body})
    session.execute(
        text("INSERT INTO directory_search (rowid, name, body) VALUES (:id, :name, :body)"), rows
    )


def index_entry(session: Session, entry: DirectoryEntry) -> None:
    """Keeps the full-text index in step with an entry (idempotent: its index row is replaced)."""
    entry.search_text = search_text(entry.snapshot)
    session.flush()  # PostgreSQL's search_vector is computed from the written row
    index_texts(session, texts={entry.resource_id: entry.search_text})


def reindex_all(session: Session, *, batch: int = 1000) -> int:
    """Rebuilds every entry's terms and index rows (after SYNONYMS or the tokenizer change)."""
    session.flush()
    if _dialect(session) == "sqlite":
        session.execute(text("DELETE FROM directory_search"))
    ids = list(
        session.scalars(select(DirectoryEntry.resource_id).order_by(DirectoryEntry.resource_id))
    )
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        rows = session.execute(
            select(DirectoryEntry.resource_id, DirectoryEntry.snapshot).where(
                DirectoryEntry.resource_id.in_(chunk)
            )
        )
        texts = {resource_id: search_text(snap) for resource_id, snap in rows}
        session.execute(
            update(DirectoryEntry),
            [{"resource_id": i, "search_text": t} for i, t in texts.items()],
        )
        index_texts(session, texts=texts)
    session.expire_all()  # the bulk update bypassed the entries already loaded
    return len(ids)


# --- access --------------------------------------------------------------------------------------

ACCESS = {
    SharingType.UNCONDITIONAL: "take_directly",
    SharingType.CONDITIONAL: "apply",
    SharingType.NONE: "verify_only",
}


def access_mode(entry: DirectoryEntry) -> dict[str, Any]:
    """What a consumer must do to use the entry: take directly, apply, or verify only (GZ 26)."""
    mode = ACCESS[SharingType(entry.sharing_type)]
    direct_items = [
        i["name"]
        for i in entry.snapshot.get("items", [])
        if entry.sharing_type == SharingType.CONDITIONAL
        and i.get("sharing_type") == SharingType.UNCONDITIONAL
    ]
    return {"mode": mode, "direct_items": direct_items}


# --- search --------------------------------------------------------------------------------------


@dataclass
class SearchResult:
    """One page of directory hits with facet counts over the whole match."""

    items: list[DirectoryEntry]
    total: int
    page: int
    per_page: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


_PAGE = ""  # the facet name under which the search statement returns the page's resource ids


def _is_word(term: str) -> bool:
    return _WORD.fullmatch(term) is not None


def _match_query(dialect: str, terms: list[str]) -> str:
    """The full-text query of the terms: all must match; English words as prefixes."""
    # every term quoted: our terms are CJK characters, letters and digits only
    if dialect == "sqlite":
        return " ".join(f'"{t}"*' if _is_word(t) else f'"{t}"' for t in terms)
    return " & ".join(f"'{t}':*" if _is_word(t) else f"'{t}'" for t in terms)


@dataclass
class _Match:
    """How the full-text index narrows and ranks directory_entry on one backend."""

    rank: ColumnElement[Any]  # the relevance of a matching row
    best_first: str  # "asc" or "desc": the order of rank that puts the best first
    condition: ColumnElement[bool] | None = None  # PostgreSQL: the rows that match
    hits: Any = None  # SQLite: the matching rowids with their rank, to join


def _text_match(dialect: str) -> _Match:
    """The match of the bound parameter `match` (a _match_query)."""
    query = bindparam("match", type_=String)
    if dialect == "sqlite":
        # Materialised, the full-text query runs once. Joined to the FTS table directly, SQLite
        # may loop over a filter's index and re-run the full-text query for each row (seconds).
        hits = (
            select(_FTS.c.rowid.label("id"), func.bm25(_FTS_NAME, 10.0, 1.0).label("rank"))
            .where(_FTS_NAME.match(query))
            .cte("hits")
            .prefix_with("MATERIALIZED")
        )
        return _Match(rank=hits.c.rank, best_first="asc", hits=hits)
    if dialect == "postgresql":
        tsquery = func.to_tsquery(_PG_CONFIG, query)
        return _Match(
            rank=func.ts_rank(_PG_VECTOR, tsquery),
            best_first="desc",
            condition=_PG_VECTOR.op("@@")(tsquery),
        )
    raise NotImplementedError(f"the directory search has no index for {dialect}")


@lru_cache(maxsize=128)
def _statement(dialect: str, with_text: bool, filtered: tuple[str, ...]) -> Select[Any]:
    """The search as one statement, built once per shape (SQLAlchemy then caches its SQL).

    It evaluates the match once and returns (facet, value, count) rows for every facet, then
    (_PAGE, resource id, position) rows for the page in ranking order. The match carries keys
    only (no snapshot is decoded, nothing is sorted with one); the page's entries are read whole
    afterwards. Parameters: `match`, `exact`, `exact_lower`, `f_<facet>` per filter,
    `page_limit`, `page_offset`.
    """
    filters = [getattr(DirectoryEntry, name) == bindparam(f"f_{name}") for name in filtered]
    keys: list[Any] = [
        DirectoryEntry.resource_id.label("id"),
        *(getattr(DirectoryEntry, name) for name in FACETS),
        DirectoryEntry.code.label("code"),
    ]
    match = _text_match(dialect) if with_text else None
    if match is None:
        stmt = select(*keys)
    else:
        is_exact = or_(
            DirectoryEntry.name == bindparam("exact", type_=String),
            func.lower(DirectoryEntry.name_en) == bindparam("exact_lower", type_=String),
        )
        stmt = select(*keys, case((is_exact, 0), else_=1).label("exact"), match.rank.label("rank"))
        if match.hits is not None:
            stmt = stmt.join(match.hits, match.hits.c.id == DirectoryEntry.resource_id)
        if match.condition is not None:
            stmt = stmt.where(match.condition)
    # Materialised, the match is evaluated once and each row read once. The whole directory (the
    # landing page) is counted faster from each facet's own index: there the CTE is inlined.
    materialise = with_text or bool(filtered)
    matched = (
        stmt.where(*filters)
        .cte("matched")
        .prefix_with("MATERIALIZED" if materialise else "NOT MATERIALIZED")
    )

    def ranking(columns: Any) -> list[Any]:
        if match is None:
            return [columns.code]
        rank = columns.rank.desc() if match.best_first == "desc" else columns.rank
        return [columns.exact, rank, columns.code]

    window = (
        select(*(matched.c[n] for n in ("id", "code", *(("exact", "rank") if match else ()))))
        .order_by(*ranking(matched.c))
        .limit(bindparam("page_limit", type_=Integer))
        .offset(bindparam("page_offset", type_=Integer))
        .subquery("page_rows")
    )
    counts = [
        select(
            literal(name, String).label("facet"),
            cast(matched.c[name], String).label("value"),
            func.count().label("n"),
        ).group_by(matched.c[name])
        for name in FACETS
    ]
    page_rows = select(
        literal(_PAGE, String),
        cast(window.c.id, String),
        func.row_number().over(order_by=ranking(window.c)),
    )
    return union_all(*counts, page_rows)  # type: ignore[return-value]


def _filter_values(filters: Mapping[str, str | int | None] | None) -> dict[str, str | int]:
    values: dict[str, str | int] = {}
    for name, value in (filters or {}).items():
        if name not in FACETS or value is None or value == "":
            continue
        if name == "department_id":
            try:
                values[name] = int(value)
            except (TypeError, ValueError):
                raise Invalid(
                    "department_id must be a number, not {value}",
                    code="bad_filter",
                    value=repr(value),
                ) from None
        else:
            values[name] = str(value)
    return values


def search(
    session: Session,
    *,
    q: str = "",
    filters: dict[str, str | int | None] | None = None,
    page: int = 1,
    per_page: int = 20,
) -> SearchResult:
    """Searches the published directory; every filter narrows, facets count the filtered match."""
    page = max(page, 1)
    per_page = max(per_page, 1)  # no upper bound: the Excel export takes the whole match
    facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    terms = query_terms(q)
    if q.strip() and not terms:  # nothing searchable in the query (punctuation, other scripts)
        return SearchResult(items=[], total=0, page=page, per_page=per_page, facets=facets)
    dialect = _dialect(session)
    values = _filter_values(filters)
    params: dict[str, Any] = {f"f_{name}": value for name, value in values.items()}
    params |= {"page_limit": per_page, "page_offset": (page - 1) * per_page}
    if terms:
        exact = q.strip()
        params |= {
            "match": _match_query(dialect, terms),
            "exact": exact,
            "exact_lower": exact.lower(),
        }
    stmt = _statement(dialect, bool(terms), tuple(sorted(values)))
    position: dict[int, int] = {}
    for name, value, n in session.execute(stmt, params):
        if name == _PAGE:
            position[int(value)] = int(n)
        else:
            facets[name][value] = int(n)
    total = sum(facets["catalogue_kind"].values())  # every entry has exactly one kind
    items: list[DirectoryEntry] = []
    if position:
        rows = session.scalars(
            select(DirectoryEntry).where(DirectoryEntry.resource_id.in_(list(position)))
        )
        items = sorted(rows, key=lambda e: position[e.resource_id])
    return SearchResult(items=items, total=total, page=page, per_page=per_page, facets=facets)


def get_entry(session: Session, *, resource_id: int) -> DirectoryEntry:
    """One published entry of the directory."""
    entry = session.get(DirectoryEntry, resource_id)
    if entry is None:
        raise NotFound(
            "entry {resource_id} is not in the sharing directory",
            code="not_in_directory",
            resource_id=resource_id,
        )
    return entry
