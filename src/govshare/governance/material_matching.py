"""Which published shared resource supplies a material a service asks for (GZ 32; ZS 15).

The matcher is deterministic and explainable: the same material and the same directory always
give the same answer, and the answer carries a note saying which resource (and which data items)
matched and why. It compares names, as officials write them, in three ways:

1. the material's name is reduced to its core (``居民身份证复印件`` → ``居民身份证``: qualifiers
   such as 复印件, 原件, 申请人 and bracketed remarks go), and a small lexicon adds the names the
   directory uses for what the public calls a document (户口簿 → 户籍, 结婚证 → 婚姻登记);
2. each published entry's name is reduced the same way (``户籍登记信息`` → ``户籍登记``);
3. a term equal to the resource's core scores 3, a term inside it (or the core inside the term)
   scores 2, a term equal to one of its data items scores 1.

Only published entries of the sharing directory whose sharing type is unconditional or
conditional are candidates. Among equal scores the electronic certificate comes first, then
unconditional sharing, then the more specific (longer) name, then the resource code.

Below the matcher: re-marking stored materials (``remark``, ``recheck``), and the hand-made
corrections (``link``, ``clear``), re-exported by ``materials``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.catalogue.enums import BasicCategory, SharingType
from govshare.catalogue.models import DirectoryEntry
from govshare.db import utcnow
from govshare.governance.material_models import MatchSource, Material, MaterialState, ServiceGuide
from govshare.kit.actor import Actor
from govshare.kit.errors import IllegalTransition, Invalid, NotFound
from govshare.notify import service as notify
from govshare.orgs.models import Role

SHARED = (SharingType.UNCONDITIONAL, SharingType.CONDITIONAL)

# What the public calls a document → the word the sharing directory uses for its data.
LEXICON: Mapping[str, tuple[str, ...]] = {
    "户口簿": ("户籍",),
    "户口本": ("户籍",),
    "户口": ("户籍",),
    "身份证": ("居民身份证",),
    "结婚证": ("婚姻登记",),
    "离婚证": ("婚姻登记",),
    "婚姻状况": ("婚姻登记",),
    "婚姻关系": ("婚姻登记",),
    "出生证": ("出生医学证明",),
    "营业执照": ("企业登记", "个体工商户登记"),
    "社保": ("社会保险参保",),
    "社会保险缴费": ("社会保险参保",),
    "参保证明": ("社会保险参保",),
    "公积金": ("住房公积金缴存",),
    "完税证明": ("个人所得税纳税",),
    "纳税证明": ("个人所得税纳税",),
    "低保": ("最低生活保障",),
    "死亡证明": ("死亡登记",),
    "残疾证": ("残疾人证",),
    "毕业证": ("学历",),
    "学历证书": ("学历",),
    "学籍证明": ("学籍",),
    "收养证": ("收养登记",),
    "居住证明": ("居住登记",),
}
# Qualifiers of how or by whom a document is handed in; they say nothing of what it is.
_TRAILING = (
    "原件及复印件",
    "及复印件",
    "复印件",
    "原件",
    "扫描件",
    "影印件",
    "电子版",
    "证明材料",
    "材料",
    "一份",
)
_LEADING = ("申请人及家庭成员", "申请人及其家庭成员", "家庭成员", "申请人", "本人", "监护人")
_RESOURCE_TRAILING = ("信息", "电子证照", "数据")
_VARIANT_TRAILING = ("证明", "证书")
# Terms too generic to identify a resource on their own.
STOP = frozenset(
    {"证明", "材料", "申请表", "申请书", "照片", "信息", "登记", "证书", "证件", "声明", "承诺书"}
)
# Forms and statements the applicant writes: never supplied by another department's data.
FORMS = ("申请书", "申请表", "登记表", "审批表", "声明", "承诺书", "说明", "情况说明", "委托书")
_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_PUNCTUATION = re.compile(r"[\s《》“”\"'、，,。.:：;；/]+")


def _strip(text: str, suffixes: Iterable[str], prefixes: Iterable[str] = ()) -> str:
    changed = True
    while changed:
        changed = False
        for suffix in suffixes:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, changed = text[: -len(suffix)], True
        for prefix in prefixes:
            if text.startswith(prefix) and len(text) > len(prefix):
                text, changed = text[len(prefix) :], True
    return text


def core(name: str) -> str:
    """A material's name without brackets, punctuation and qualifiers: ``户口簿（原件）`` → ``户口簿``."""
    text = _PUNCTUATION.sub("", _BRACKETS.sub("", name))
    return _strip(text, _TRAILING, _LEADING)


def resource_core(name: str) -> str:
    """A resource's name without 信息 / 电子证照: ``居民身份证电子证照信息`` → ``居民身份证``."""
    return _strip(_PUNCTUATION.sub("", name), _RESOURCE_TRAILING)


@dataclass(frozen=True)
class Term:
    """A name the material may go by in the directory, and how it was found."""

    text: str
    via: str = ""  # the lexicon entry or the variant that produced it


def terms(name: str) -> list[Term]:
    """The terms a material is looked up by, most literal first, without duplicates."""
    base = core(name)
    if base.endswith(FORMS):
        return []
    found: list[Term] = [Term(base)]
    variant = _strip(base, _VARIANT_TRAILING)
    if variant != base:
        found.append(Term(variant, f"{base} → {variant}"))
    for key in sorted(LEXICON, key=lambda k: (-len(k), k)):
        if key in base:
            found.extend(Term(t, f"{key} → {t}") for t in LEXICON[key])
    seen: set[str] = set()
    out = []
    for t in found:
        if len(t.text) >= 2 and t.text not in STOP and t.text not in seen:
            seen.add(t.text)
            out.append(t)
    return out


@dataclass(frozen=True)
class Candidate:
    """A published, shared entry of the sharing directory as the matcher sees it."""

    resource_id: int
    code: str
    name: str
    sharing_type: str
    e_certificate: bool
    version: int
    items: tuple[str, ...]

    @property
    def core(self) -> str:
        return resource_core(self.name)


@dataclass(frozen=True)
class Match:
    """The resource that supplies a material, the items concerned, and why."""

    resource_id: int
    code: str
    name: str
    items: list[str]
    note: str
    score: int


def candidates(session: Session) -> list[Candidate]:
    """The published entries of the sharing directory that are shared (unconditionally or not)."""
    rows = session.scalars(
        select(DirectoryEntry)
        .where(DirectoryEntry.sharing_type.in_([str(s) for s in SHARED]))
        .order_by(DirectoryEntry.code)
    )
    return [_candidate(e) for e in rows]


def _candidate(entry: DirectoryEntry) -> Candidate:
    snap: dict[str, Any] = entry.snapshot or {}
    items = tuple(
        str(i.get("name", ""))
        for i in snap.get("items", [])
        # an item the resource withholds is not supplied (items shared "in part", GZ 9)
        if (i.get("sharing_type") or entry.sharing_type) in [str(s) for s in SHARED]
    )
    return Candidate(
        resource_id=entry.resource_id,
        code=entry.code,
        name=entry.name,
        sharing_type=entry.sharing_type,
        e_certificate=snap.get("basic_category") == BasicCategory.E_CERTIFICATE,
        version=entry.version,
        items=items,
    )


def _score(term: Term, c: Candidate) -> tuple[int, list[str], str]:
    rc = c.core
    if term.text == rc:
        return 3, [], "the resource's name matches"
    if len(rc) >= 2 and (term.text in rc or rc in term.text):
        return (
            2,
            [],
            "the resource's name contains it" if term.text in rc else "it names the resource",
        )
    items = [i for i in c.items if i == term.text]
    if items:
        return 1, items, "a data item of the resource matches"
    return 0, [], ""


def _describe(c: Candidate) -> str:
    kind = "electronic certificate, " if c.e_certificate else ""
    return f"{c.code} “{c.name}” ({kind}{c.sharing_type} sharing, published version {c.version})"


def match(name: str, pool: list[Candidate]) -> Match | None:
    """The best supplying resource for a material's name, or None; the same input, the same answer."""
    scored: list[tuple[tuple[int, int, int, int, str], Candidate, Term, list[str], str]] = []
    for c in pool:
        best: tuple[int, Term, list[str], str] | None = None
        for term in terms(name):
            score, items, why = _score(term, c)
            if score and (best is None or score > best[0]):
                best = (score, term, items, why)
        if best is None:
            continue
        score, term, items, why = best
        rank = (
            -score,
            0 if c.e_certificate else 1,
            0 if c.sharing_type == SharingType.UNCONDITIONAL else 1,
            -len(c.core),
            c.code,
        )
        scored.append((rank, c, term, items, why))
    if not scored:
        return None
    scored.sort(key=lambda s: s[0])
    rank, c, term, items, why = scored[0]
    parts = [f"“{name}” → “{term.text}”: {why}: {_describe(c)}"]
    if term.via:
        parts.append(f"via {term.via}")
    if items:
        parts.append("items: " + "、".join(items))
    others = [s[1].code for s in scored[1:4]]
    if others:
        parts.append("other candidates: " + ", ".join(others))
    return Match(c.resource_id, c.code, c.name, items, "; ".join(parts), -rank[0])


@dataclass(frozen=True)
class CheckResult:
    """What a re-check against the sharing directory found."""

    checked: int
    supplied: int
    newly_supplied: int
    no_longer_supplied: int


def _materials() -> ModuleType:
    # the guides' permissions and counts live in `materials`, which imports this module
    from govshare.governance import materials

    return materials


# --- marking against the directory ----------------------------------------------------------------


def remark(session: Session, guide_ids: Sequence[int] | None, pool: list[Candidate]) -> CheckResult:
    """Re-marks materials (of some guides, or all): automatic and unmatched ones are matched again;
    a manual link stays while its resource is shared; a cleared match stays cleared."""
    stmt = select(Material)
    if guide_ids is not None:
        stmt = stmt.where(Material.guide_id.in_(list(guide_ids)))
    shared = {c.resource_id: c for c in pool}
    checked = supplied = newly = lost = 0
    for m in session.scalars(stmt.order_by(Material.id)):
        checked += 1
        before = m.resource_id
        kept = m.match_source == MatchSource.CLEARED or (
            m.match_source == MatchSource.MANUAL and m.resource_id in shared
        )
        if not kept:
            found = match(m.name, pool)
            if found is None:
                m.resource_id, m.resource_items = None, []
                m.match_source = MatchSource.NONE
                m.match_note = "no published shared resource supplies it any more" if before else ""
            else:
                m.resource_id, m.resource_items = found.resource_id, found.items
                m.match_source, m.match_note = MatchSource.AUTO, found.note
        if m.resource_id is not None:
            supplied += 1
            newly += before is None
        elif before is not None:
            lost += 1
            # the guide may not leave out a material nothing supplies any more
            if m.state != MaterialState.REQUIRED:
                m.state = MaterialState.REQUIRED
                m.changed_by, m.changed_at = "platform", utcnow()
    return CheckResult(checked, supplied, newly, lost)


def recheck(session: Session, *, actor: Actor, department_id: int | None = None) -> CheckResult:
    """Re-checks guides against the sharing directory: a department's (by default the actor's own), or all (the authority)."""
    if department_id is None and not actor.has_role(Role.AUTHORITY_ADMIN):
        department_id = actor.department_id  # a department re-checks its own guides
    if department_id is None:
        guide_ids = None
    else:
        _materials().check_editor(actor, department_id)
        guide_ids = list(
            session.scalars(
                select(ServiceGuide.id).where(ServiceGuide.department_id == department_id)
            )
        )
    result = remark(session, guide_ids, candidates(session))
    audit.record(
        session,
        actor=actor,
        action="guide.check",
        object_type="department" if department_id else "platform",
        object_id=department_id,
        details={
            "checked": result.checked,
            "supplied": result.supplied,
            "newly_supplied": result.newly_supplied,
            "no_longer_supplied": result.no_longer_supplied,
        },
    )
    if result.newly_supplied:
        _tell_departments(session, department_id)
    return result


def _tell_departments(session: Session, department_id: int | None) -> None:
    m = _materials()
    counts = m.counts_by_department(session)
    ids = [department_id] if department_id else [d for d, c in counts.items() if c.still_required]
    people = notify.recipients_by_department(session, ids, roles=m.EDITORS)
    messages = [
        notify.Outgoing(
            users=people.get(d, []),
            kind="guide.still_required",
            title="Service guides still ask for materials that shared data supplies (GZ 32)",
            body=f"{counts.get(d, m.MaterialCounts()).still_required}",
            link="/service-guides?attention=1",
            object_type="department",
            object_id=d,
        )
        for d in ids
        if counts.get(d, m.MaterialCounts()).still_required
    ]
    notify.notify_many(session, messages)


def _material_for_change(session: Session, actor: Actor, material_id: int) -> Material:
    material = session.get(Material, material_id)
    if material is None:
        raise NotFound("no material {id}", code="material_not_found", id=material_id)
    guide = _materials().get_guide(session, actor=actor, guide_id=material.guide_id)
    _materials().check_editor(actor, guide.department_id)
    return material


def link(
    session: Session, *, actor: Actor, material_id: int, resource_code: str, note: str = ""
) -> Material:
    """Links a material by hand to the published shared resource that supplies it."""
    material = _material_for_change(session, actor, material_id)
    entry = session.scalar(select(DirectoryEntry).where(DirectoryEntry.code == resource_code))
    shared = [str(s) for s in SHARED]
    if entry is None or entry.sharing_type not in shared:
        raise Invalid(
            "{resource} is not a published, shared resource of the sharing directory",
            code="resource_not_shared",
            resource=resource_code,
        )
    material.resource_id, material.resource_items = entry.resource_id, []
    material.match_source = MatchSource.MANUAL
    material.match_note = f"linked by hand by {actor.name} to {entry.code} “{entry.name}”" + (
        f": {note.strip()}" if note.strip() else ""
    )
    audit.record(
        session,
        actor=actor,
        action="material.link",
        object_type="service_material",
        object_id=material.id,
        details={"resource": entry.code, "note": note.strip()},
    )
    return material


def clear(session: Session, *, actor: Actor, material_id: int, reason: str = "") -> Material:
    """Clears a wrong match; re-checks leave the material unmatched until it is linked by hand."""
    material = _material_for_change(session, actor, material_id)
    if material.resource_id is None:
        raise IllegalTransition("the material is not matched to a resource", code="not_supplied")
    old = material.resource_id
    material.resource_id, material.resource_items = None, []
    material.match_source = MatchSource.CLEARED
    material.match_note = f"match cleared by {actor.name}" + (
        f": {reason.strip()}" if reason.strip() else ""
    )
    if material.state != MaterialState.REQUIRED:
        material.state = MaterialState.REQUIRED
        material.changed_by, material.changed_at = actor.name, utcnow()
    audit.record(
        session,
        actor=actor,
        action="material.clear",
        object_type="service_material",
        object_id=material.id,
        details={"resource_id": old, "reason": reason.strip()},
    )
    return material
