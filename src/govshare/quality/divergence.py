"""Divergence between sources (ZS 17; JS 11): compare linked values on load, and the cases that follow.

When a provider loads or pushes records of a linked resource, `compare` takes exactly the
subjects the load changed and reads both resources' current records for them, a chunk at a
time (two look-ups per chunk and link, never one per row). Values equal after normalisation
need nothing; different values open one case per (link, subject), or update the open one;
values that agree again (or can no longer be compared) close the open case automatically.

A case is then assigned to the department that verifies it: under the profile's
`data.divergence_resolved_by` the authority organises the review (ZS 17) or the collecting
department verifies and explains (JS 11); where the text is silent the authority decides.
No text sets a time limit for the verification, so cases carry no due date. The verifier
resolves the case (which value is right, with a note) and the provider of the wrong value is
told to correct it; or the authority dismisses it with a reason.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.catalogue.models import Resource
from govshare.datastore import records
from govshare.datastore.models import RecordVersion
from govshare.db import utcnow
from govshare.kit.actor import Actor
from govshare.kit.crypto import keyring
from govshare.notify import service as notify
from govshare.quality.models import ACTIVE_STATES, Divergence, DivergenceState, SourceLink

CHUNK = 1000  # subjects compared per look-up
MAX_IDS_AUDITED = 500  # case ids listed in one comparison's audit entry
_NUMBER = re.compile(r"[+-]?(0|[1-9]\d{0,2}(,\d{3})+|[1-9]\d*)(\.\d+)?")


def normalise(value: Any) -> str | None:
    """The comparable form of a value: width, spacing, case and number formats ignored; blank is None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = " ".join(unicodedata.normalize("NFKC", str(value)).split()).casefold()
    if not text:
        return None
    if _NUMBER.fullmatch(text):
        # "5,000.50", "5000.5" and "5000.50" are one number; "007" stays a code.
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            return text
        plain = format(number.normalize(), "f")
        return "0" if plain in ("-0", "+0") else plain
    return text


def case_aad(link_id: int, subject_hash: str) -> bytes:
    """Associated data binding a case's sealed subject and values to the case's link and subject."""
    return f"divergence:{link_id}:{subject_hash}".encode()


def open_values(case: Divergence) -> tuple[Any, Any]:
    """The two stored values (side A, side B), decrypted."""
    pair = json.loads(
        keyring().decrypt(case.values_enc, aad=case_aad(case.link_id, case.subject_hash))
    )
    return pair["a"], pair["b"]


def open_subject(case: Divergence) -> str:
    """The case's subject key, decrypted."""
    return (
        keyring().decrypt(case.subject_enc, aad=case_aad(case.link_id, case.subject_hash)).decode()
    )


@dataclass
class LinkOutcome:
    """What one comparison did for one link."""

    link_id: int
    compared: int = 0
    opened: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)


@dataclass
class CompareResult:
    """What one comparison did, per link (empty: the resource has no links)."""

    links: list[LinkOutcome] = field(default_factory=list)

    @property
    def opened(self) -> int:
        return sum(len(o.opened) for o in self.links)

    @property
    def closed(self) -> int:
        return sum(len(o.closed) for o in self.links)

    @property
    def updated(self) -> int:
        return sum(len(o.updated) for o in self.links)


def links_of(session: Session, resource_id: int) -> list[SourceLink]:
    """The active links of a resource, locked until commit: one small indexed query.

    That query is the whole cost of a load without links. The lock serialises the comparisons
    of one link, so that loads of its two resources running at once cannot both open a case
    for the same subject (each load locks only its own resource).
    """
    stmt = (
        select(SourceLink)
        .where(
            SourceLink.removed_at.is_(None),
            or_(SourceLink.resource_a_id == resource_id, SourceLink.resource_b_id == resource_id),
        )
        .order_by(SourceLink.id)
        .with_for_update()
    )
    return list(session.scalars(stmt.execution_options(populate_existing=True)))


def compare(
    session: Session,
    *,
    actor: Actor,
    resource_id: int,
    load_id: int | None = None,
    subject_hashes: Iterable[str] | None = None,
    today: date | None = None,
) -> CompareResult:
    """Compares the linked values of the subjects a load changed with the other resources' current values."""
    result = CompareResult()
    links = links_of(session, resource_id)
    if not links:
        return result
    if subject_hashes is None:
        stmt = select(RecordVersion.subject_hash).where(RecordVersion.load_id == load_id).distinct()
        hashes = list(session.scalars(stmt))
    else:
        hashes = list(dict.fromkeys(subject_hashes))
    if not hashes:
        return result
    return _compare_links(
        session,
        actor=actor,
        links=links,
        hashes=hashes,
        resource_id=resource_id,
        load_id=load_id,
        day=today or date.today(),
    )


def compare_link(
    session: Session, *, actor: Actor, link_id: int, today: date | None = None
) -> CompareResult:
    """Compares every subject that resource A of a link holds (after declaring a link on loaded data)."""
    from govshare.quality.links import get_link, require_authority

    require_authority(actor)
    link = get_link(session, link_id=link_id)
    session.execute(select(SourceLink.id).where(SourceLink.id == link.id).with_for_update())
    if link.removed_at is not None:
        return CompareResult()
    stmt = (
        select(RecordVersion.subject_hash)
        .where(RecordVersion.resource_id == link.resource_a_id)
        .distinct()
    )
    return _compare_links(
        session,
        actor=actor,
        links=[link],
        hashes=list(session.scalars(stmt)),
        resource_id=link.resource_a_id,
        load_id=None,
        day=today or date.today(),
    )


def _compare_links(
    session: Session,
    *,
    actor: Actor,
    links: list[SourceLink],
    hashes: list[str],
    resource_id: int,
    load_id: int | None,
    day: date,
) -> CompareResult:
    result = CompareResult()
    for link in links:
        outcome = LinkOutcome(link_id=link.id)
        departments = _departments(session, link)
        for start in range(0, len(hashes), CHUNK):
            _compare_chunk(
                session, link, hashes[start : start + CHUNK], departments, day, actor, outcome
            )
        result.links.append(outcome)
        _record(
            session,
            actor=actor,
            link=link,
            outcome=outcome,
            resource_id=resource_id,
            load_id=load_id,
        )
    return result


def _departments(session: Session, link: SourceLink) -> tuple[int, int]:
    stmt = select(Resource.id, Resource.department_id).where(
        Resource.id.in_((link.resource_a_id, link.resource_b_id))
    )
    rows = {rid: dept for rid, dept in session.execute(stmt)}
    return rows[link.resource_a_id], rows[link.resource_b_id]


def _compare_chunk(
    session: Session,
    link: SourceLink,
    chunk: list[str],
    departments: tuple[int, int],
    day: date,
    actor: Actor,
    outcome: LinkOutcome,
) -> None:
    ring = keyring()
    side_a = records.current(session, resource_id=link.resource_a_id, subject_hashes=chunk)
    side_b = records.current(session, resource_id=link.resource_b_id, subject_hashes=chunk)
    active: dict[str, Divergence] = {}
    dismissed: dict[str, set[str]] = {}
    known = select(Divergence).where(
        Divergence.link_id == link.id,
        Divergence.subject_hash.in_(chunk),
        Divergence.state.in_((*ACTIVE_STATES, DivergenceState.DISMISSED)),
    )
    for found in session.scalars(known):
        if found.state == DivergenceState.DISMISSED:
            dismissed.setdefault(found.subject_hash, set()).add(found.values_digest)
        else:
            active[found.subject_hash] = found
    now = utcnow()
    new: list[dict[str, Any]] = []
    for h in chunk:
        outcome.compared += 1
        rec_a, rec_b = side_a.get(h), side_b.get(h)
        raw_a = rec_a.payload.get(link.item_a) if rec_a else None
        raw_b = rec_b.payload.get(link.item_b) if rec_b else None
        norm_a, norm_b = normalise(raw_a), normalise(raw_b)
        case = active.get(h)
        if norm_a is None or norm_b is None or norm_a == norm_b:
            if case is not None:
                case.state = DivergenceState.CLOSED
                case.closed_on = day
                case.closed_by = actor.name
                case.closed_reason = "values_agree" if norm_a == norm_b else "not_comparable"
                case.updated_at = now
                outcome.closed.append(case.id)
            continue
        pair = json.dumps({"a": raw_a, "b": raw_b}, ensure_ascii=False, sort_keys=True)
        digest = ring.blind_index(f"{link.id}:{h}:{pair}")
        if case is not None:
            if case.values_digest != digest:
                case.values_enc = ring.encrypt(pair.encode(), aad=case_aad(link.id, h))
                case.values_digest = digest
                case.changes += 1
                case.updated_at = now
                outcome.updated.append(case.id)
            continue
        if digest in dismissed.get(h, ()):
            continue  # the authority already dismissed exactly these values
        assert rec_a is not None
        new.append(
            {
                "link_id": link.id,
                "subject_hash": h,
                "subject_enc": ring.encrypt(rec_a.subject.encode(), aad=case_aad(link.id, h)),
                "values_enc": ring.encrypt(pair.encode(), aad=case_aad(link.id, h)),
                "values_digest": digest,
                "resource_a_id": link.resource_a_id,
                "resource_b_id": link.resource_b_id,
                "department_a_id": departments[0],
                "department_b_id": departments[1],
                "state": DivergenceState.OPEN.value,
                "detected_on": day,
                "detected_at": now,
                "updated_at": now,
                "changes": 0,
                "assigned_by": "",
                "assign_basis": "",
                "closed_by": "",
                "closed_reason": "",
                "note": "",
            }
        )
    if new:
        # One multi-row insert per chunk (not an ORM object per case); the ids name the cases
        # in the audit entry.
        made = session.execute(insert(Divergence).returning(Divergence.id), new)
        outcome.opened.extend(made.scalars())


def _record(
    session: Session,
    *,
    actor: Actor,
    link: SourceLink,
    outcome: LinkOutcome,
    resource_id: int,
    load_id: int | None,
) -> None:
    """One audit entry and one notification per link and load (not one per subject)."""
    if not (outcome.opened or outcome.updated or outcome.closed):
        return
    audit.record(
        session,
        actor=actor,
        action="quality.divergence_compare",
        object_type="source_link",
        object_id=link.id,
        details={
            "resource_id": resource_id,
            "load_id": load_id,
            "compared": outcome.compared,
            "opened": len(outcome.opened),
            "updated": len(outcome.updated),
            "closed": len(outcome.closed),
            "opened_ids": outcome.opened[:MAX_IDS_AUDITED],
            "closed_ids": outcome.closed[:MAX_IDS_AUDITED],
        },
    )
    a, b = _departments(session, link)
    parts = []
    if outcome.opened:
        parts.append(f"{len(outcome.opened)} new")
    if outcome.updated:
        parts.append(f"{len(outcome.updated)} changed")
    if outcome.closed:
        parts.append(f"{len(outcome.closed)} closed (values agree again or no longer comparable)")
    tell(
        session,
        departments=(a, b),
        authority=True,
        kind="divergence.detected" if outcome.opened else "divergence.changed",
        title=f"Divergences on link {link.id} ({link.item_a} / {link.item_b}): " + ", ".join(parts),
        link="/quality/divergences",
        object_type="source_link",
        object_id=link.id,
    )


def tell(
    session: Session,
    *,
    departments: Iterable[int],
    authority: bool,
    kind: str,
    title: str,
    link: str,
    object_type: str,
    object_id: int,
    body: str = "",
) -> int:
    """Notifies the data officers of some departments and, when asked, the authority."""
    people = [
        u
        for users in notify.recipients_by_department(
            session, departments, roles=notify.OFFICERS
        ).values()
        for u in users
    ]
    if authority:
        people += notify.recipients(session, roles=notify.AUTHORITY)
    return notify.notify(
        session,
        users=people,
        kind=kind,
        title=title,
        body=body,
        link=link,
        object_type=object_type,
        object_id=object_id,
    )
