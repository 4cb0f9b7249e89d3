"""Consumers taking data: grants, the entitlement they give, queries and verification.

Entitlements follow the *published* sharing directory (GZ 11), not a provider's working copy:
a draft that widens a resource's sharing type grants nothing until the authority publishes it.

- Unconditional resources, and the unconditionally shared items of conditional ones, are open
  to every department (GZ 26 ¶1; ZS 22 ¶1) where the profile says so (`unconditional_direct`).
- Conditional items need an active grant naming the purpose (GZ 26 ¶2; ZS 21, 22 ¶2).
- Public-security departments asking for a public-security-management purpose get the
  conditional items where the profile says so (ZS 22 ¶4), still purpose-bound and audited.
- Not-shared resources answer verification questions only (GZ 26 ¶3; ZS 22 ¶3).

Every query and verification names a purpose (GZ 25; ZS 21), returns only the entitled items
(ZS 19(iii)) and writes its audit entry in the same transaction before anything is returned
(ZS 32): if the entry cannot be written, the caller gets the error and no data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Literal, Protocol, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Date,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.catalogue.enums import SharingType
from govshare.catalogue.models import DirectoryEntry, Resource
from govshare.datastore import records
from govshare.db import utcnow
from govshare.kit.actor import Actor, ActorKind, Method
from govshare.kit.crypto import keyring
from govshare.kit.errors import DomainError, Forbidden, IllegalTransition, Invalid, NotFound
from govshare.kit.pagination import Page, paginate
from govshare.orgs.models import Department, DepartmentKind, Role
from govshare.profiles.service import get_active_profile
from govshare.sharing.models import Grant, VerificationWindow

# The most subjects one query call may name; a larger batch is refused, not truncated.
MAX_SUBJECTS = 100
# Verifications a department may make per minute, so that verification cannot enumerate.
VERIFY_PER_MINUTE = 60
MAX_PURPOSE_TEXT = 500
# A business-matter code: letters, digits and . _ : / - (e.g. 440100-000-XK-001, hr.pension).
PURPOSE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}")
# Purpose codes of public-security management (ZS 22 ¶4): this code or one under it.
PUBLIC_SECURITY_PURPOSE = "public_security"


SubjectStatus = Literal["found", "not_found", "invalid"]
Comparison = Literal["match", "no_match", "no_record"]


class GrantState(StrEnum):
    """A grant's state on a given day; revocation and suspension take precedence over dates."""

    ACTIVE = "active"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUSPENDED = "suspended"


class QueryMethod(StrEnum):
    """How a query reached the platform (ZS 32: the acquisition method is recorded)."""

    CONSOLE = "console"
    API = "api"
    BATCH = "batch"
    CLI = "cli"


class Basis(StrEnum):
    """Why an item may be read."""

    UNCONDITIONAL = "unconditional"
    GRANT = "grant"
    PUBLIC_SECURITY = "public_security"


class RateLimited(DomainError):
    """Too many verifications by the department in the current minute."""

    status = 429
    code = "rate_limited"


def grant_state(grant: Grant, *, today: date) -> GrantState:
    """The grant's state on `today`."""
    if grant.revoked_at is not None:
        return GrantState.REVOKED
    if grant.suspended:
        return GrantState.SUSPENDED
    if today < grant.valid_from:
        return GrantState.NOT_YET_VALID
    if today > grant.valid_until:
        return GrantState.EXPIRED
    return GrantState.ACTIVE


def _state_condition(state: GrantState, today: date | BindParameter[date]) -> ColumnElement[bool]:
    live = and_(Grant.revoked_at.is_(None), Grant.suspended.is_(False))
    return {
        GrantState.REVOKED: Grant.revoked_at.is_not(None),
        GrantState.SUSPENDED: and_(Grant.revoked_at.is_(None), Grant.suspended.is_(True)),
        GrantState.NOT_YET_VALID: and_(live, Grant.valid_from > today),
        GrantState.EXPIRED: and_(live, Grant.valid_until < today),
        GrantState.ACTIVE: and_(live, Grant.valid_from <= today, Grant.valid_until >= today),
    }[state]


# --- the published directory ---------------------------------------------------------------------


class PublishedEntry(Protocol):
    """A resource as the sharing directory publishes it (a DirectoryEntry, or `Published`)."""

    @property
    def resource_id(self) -> int: ...
    @property
    def code(self) -> str: ...
    @property
    def department_id(self) -> int: ...
    @property
    def sharing_type(self) -> str: ...
    @property
    def snapshot(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Published:
    """The fields of a directory entry that taking data needs."""

    resource_id: int
    code: str
    department_id: int
    sharing_type: str
    snapshot: dict[str, Any]


_ENTRIES = cast(Table, DirectoryEntry.__table__)
# Built once: the hot path runs these for every query (building statements costs more than
# running them on SQLite). Run through the session, not its connection, so that pending
# changes (a revocation in the same transaction) are flushed first.
_ENTRY = select(
    _ENTRIES.c.resource_id,
    _ENTRIES.c.code,
    _ENTRIES.c.department_id,
    _ENTRIES.c.sharing_type,
    _ENTRIES.c.snapshot,
)
_ENTRY_BY_ID = _ENTRY.where(_ENTRIES.c.resource_id == bindparam("resource_id"))
_ENTRY_BY_CODE = _ENTRY.where(_ENTRIES.c.code == bindparam("code"))
# `resource_id_of` leaves the entry it read here for the `published` call that follows it in
# the same request (taken once, so a later call reads the directory again).
_LOOKED_UP = "govshare.sharing.looked_up"


def published(session: Session, *, resource_id: int) -> Published:
    """The resource as the sharing directory publishes it; NotFound if it is not published."""
    looked_up: dict[int, Published] = session.info.get(_LOOKED_UP, {})
    entry = looked_up.pop(resource_id, None)
    if entry is not None:
        return entry
    row = session.execute(_ENTRY_BY_ID, {"resource_id": resource_id}).first()
    if row is None:
        raise NotFound(
            "resource {resource_id} is not in the sharing directory",
            code="resource_not_found",
            resource_id=resource_id,
        )
    return Published(*row)


def resource_id_of(session: Session, *, code: str) -> int:
    """The id of the published resource with this code."""
    row = session.execute(_ENTRY_BY_CODE, {"code": code}).first()
    if row is None:
        raise NotFound(
            "no resource {resource} in the sharing directory",
            code="resource_not_found",
            resource=code,
        )
    entry = Published(*row)
    session.info[_LOOKED_UP] = {entry.resource_id: entry}
    return entry.resource_id


def item_types(entry: PublishedEntry) -> list[tuple[str, SharingType]]:
    """Each data item with its effective sharing type (an item may differ from its resource, GZ 9)."""
    own = SharingType(entry.sharing_type)
    return [
        (i["name"], SharingType(i["sharing_type"]) if i.get("sharing_type") else own)
        for i in entry.snapshot.get("items", [])
    ]


def _key_item(entry: PublishedEntry) -> str | None:
    return next(
        (i["name"] for i in entry.snapshot.get("items", []) if i.get("is_subject_key")), None
    )


# --- grants --------------------------------------------------------------------------------------


def _clean_list(values: Iterable[str], what: str) -> list[str]:
    out: list[str] = []
    for value in values:
        text = value.strip()
        if text and text not in out:
            out.append(text)
    if not out:
        raise Invalid("a grant names at least one {what}", code=f"missing_{what}", what=what)
    return out


def _check_purpose_code(code: str) -> str:
    code = code.strip()
    if not PURPOSE_CODE.fullmatch(code):
        raise Invalid(
            "a purpose code is the business matter's code: 1-64 letters, digits or . _ : / - "
            "(GZ 25; ZS 21)",
            code="invalid_purpose_code",
        )
    return code


def create_grant(
    session: Session,
    *,
    actor: Actor,
    consumer_department_id: int,
    resource_id: int,
    items: Sequence[str],
    purposes: Sequence[str],
    valid_from: date,
    valid_until: date,
    today: date,
    source: str = "manual",
    approved_by: str | None = None,
    note: str = "",
) -> Grant:
    """Grants a department items of a published resource for purposes and a period.

    `source="manual"` is the authority granting by hand; the application workflow passes its
    own source (e.g. "application", "deemed_consent") and who approved it.
    """
    entry = published(session, resource_id=resource_id)
    _check_may_grant(actor, entry, source)
    if session.get(Department, consumer_department_id) is None:
        raise NotFound(
            "no department {department_id}",
            code="department_not_found",
            department_id=consumer_department_id,
        )
    if SharingType(entry.sharing_type) == SharingType.NONE:
        raise Invalid(
            "{resource} is not shared: it answers verification only (GZ 26 ¶3; ZS 22)",
            code="not_shared",
            resource=entry.code,
        )
    wanted = _clean_list(items, "item")
    known = [name for name, _ in item_types(entry)]
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise Invalid(
            "{resource} has no data item {names}",
            code="unknown_item",
            resource=entry.code,
            names=", ".join(unknown),
            items=unknown,
        )
    goals = [_check_purpose_code(p) for p in _clean_list(purposes, "purpose")]
    if valid_until < valid_from:
        raise Invalid("a grant ends on or after the day it starts", code="invalid_validity")
    if valid_until < today:
        raise Invalid("the validity has already ended", code="invalid_validity")
    grant = Grant(
        consumer_department_id=consumer_department_id,
        resource_id=resource_id,
        items=[name for name in known if name in wanted],
        purposes=goals,
        valid_from=valid_from,
        valid_until=valid_until,
        source=source,
        granted_by=actor.name,
        approved_by=(approved_by if approved_by is not None else actor.name),
        note=note.strip(),
        suspended=False,
        revoked_by="",
        revoked_reason="",
    )
    session.add(grant)
    session.flush()  # the audit entry names the new id
    audit.record(
        session,
        actor=actor,
        action="grant.create",
        object_type="grant",
        object_id=grant.id,
        details={
            "resource": entry.code,
            "consumer_department_id": consumer_department_id,
            "items": grant.items,
            "purposes": grant.purposes,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
            "source": source,
            "approved_by": grant.approved_by,
        },
    )
    return grant


def _check_may_grant(actor: Actor, entry: PublishedEntry, source: str) -> None:
    if actor.has_role(Role.AUTHORITY_ADMIN):
        return
    # The application workflow grants on the provider's answer or by the sweep (deemed consent).
    if source != "manual" and (
        actor.kind == ActorKind.SYSTEM
        or (actor.has_role(Role.DATA_OFFICER) and actor.department_id == entry.department_id)
    ):
        return
    raise Forbidden("only the authority grants data by hand", code="authority_only")


def get_grant(session: Session, *, grant_id: int) -> Grant:
    """Gets a grant by its id."""
    grant = session.get(Grant, grant_id)
    if grant is None:
        raise NotFound("no grant {grant_id}", code="grant_not_found", grant_id=grant_id)
    return grant


def revoke_grant(session: Session, *, actor: Actor, grant_id: int, reason: str) -> Grant:
    """Revokes a grant with a reason; the next query no longer relies on it."""
    grant = get_grant(session, grant_id=grant_id)
    provider_id = session.scalar(
        select(Resource.department_id).where(Resource.id == grant.resource_id)
    )
    if not (
        actor.has_role(Role.AUTHORITY_ADMIN)
        or (actor.has_role(Role.DATA_OFFICER) and actor.department_id == provider_id)
    ):
        raise Forbidden(
            "only the providing department or the authority revokes a grant", code="not_your_grant"
        )
    if grant.revoked_at is not None:
        raise IllegalTransition("this grant is already revoked", code="already_revoked")
    if not reason.strip():
        raise Invalid("say why the grant is revoked", code="missing_reason")
    grant.revoked_at = utcnow()
    grant.revoked_by = actor.name
    grant.revoked_reason = reason.strip()
    audit.record(
        session,
        actor=actor,
        action="grant.revoke",
        object_type="grant",
        object_id=grant.id,
        details={"reason": grant.revoked_reason, "resource_id": grant.resource_id},
    )
    return grant


@dataclass(frozen=True)
class GrantView:
    """A grant with its state on a day and its resource's code (for lists)."""

    grant: Grant
    state: GrantState
    resource_code: str


def grants_held(
    session: Session,
    *,
    actor: Actor,
    today: date,
    department_id: int | None = None,
    resource_id: int | None = None,
    state: GrantState | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[GrantView]:
    """The grants a consumer department holds (its own; the authority and auditors: any or all)."""
    department_id = _own_side(actor, department_id)
    stmt = select(Grant)
    if department_id is not None:
        stmt = stmt.where(Grant.consumer_department_id == department_id)
    return _grant_page(session, stmt, today, resource_id, state, page, per_page)


def grants_given(
    session: Session,
    *,
    actor: Actor,
    today: date,
    department_id: int | None = None,
    resource_id: int | None = None,
    state: GrantState | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[GrantView]:
    """The grants given on a provider department's resources (its own; the authority and auditors: any or all)."""
    department_id = _own_side(actor, department_id)
    stmt = select(Grant)
    if department_id is not None:
        stmt = stmt.join(Resource, Resource.id == Grant.resource_id).where(
            Resource.department_id == department_id
        )
    return _grant_page(session, stmt, today, resource_id, state, page, per_page)


def view_of(session: Session, *, grant: Grant, today: date) -> GrantView:
    """One grant with its state and resource code."""
    code = session.scalar(select(Resource.code).where(Resource.id == grant.resource_id)) or ""
    return GrantView(grant, grant_state(grant, today=today), code)


def _own_side(actor: Actor, department_id: int | None) -> int | None:
    if actor.has_role(Role.AUTHORITY_ADMIN, Role.AUDITOR):
        return department_id
    if department_id is not None and department_id != actor.department_id:
        raise Forbidden("another department's grants are not yours to list", code="not_your_grants")
    if actor.department_id is None:
        raise Forbidden("grants are listed for a department", code="no_department")
    return actor.department_id


def _grant_page(
    session: Session,
    stmt: Select[Any],
    today: date,
    resource_id: int | None,
    state: GrantState | None,
    page: int,
    per_page: int,
) -> Page[GrantView]:
    if resource_id is not None:
        stmt = stmt.where(Grant.resource_id == resource_id)
    if state is not None:
        stmt = stmt.where(_state_condition(state, today))
    found = paginate(session, stmt.order_by(Grant.id.desc()), page=page, per_page=per_page)
    ids = {g.resource_id for g in found.items}
    rows = session.execute(select(Resource.id, Resource.code).where(Resource.id.in_(ids)))
    codes: dict[int, str] = {rid: code for rid, code in rows}
    views = [
        GrantView(g, grant_state(g, today=today), codes.get(g.resource_id, "")) for g in found.items
    ]
    return Page(items=views, total=found.total, page=found.page, per_page=found.per_page)


# --- entitlement ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrantUsed:
    """A grant an entitlement relies on, and the items it contributes."""

    id: int
    approved_by: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Entitlement:
    """What a department may read of a resource for a purpose on a day."""

    resource_id: int
    resource_code: str
    sharing_type: SharingType
    items: tuple[str, ...]
    bases: tuple[Basis, ...] = ()
    grants: tuple[GrantUsed, ...] = ()
    public_security: bool = False

    @property
    def verification_only(self) -> bool:
        """True when no item may be read (verification is still possible, GZ 26 ¶3)."""
        return not self.items

    @property
    def grant_id(self) -> int | None:
        """The first grant relied on, if any."""
        return self.grants[0].id if self.grants else None

    @property
    def approved_by(self) -> str | None:
        """Who approved the first grant relied on, if any."""
        return self.grants[0].approved_by if self.grants else None


def is_public_security_purpose(purpose_code: str) -> bool:
    """Whether the business matter is public-security management (ZS 22 ¶4)."""
    return purpose_code == PUBLIC_SECURITY_PURPOSE or purpose_code.startswith(
        PUBLIC_SECURITY_PURPOSE + "."
    )


def entitlement(
    session: Session,
    *,
    consumer_department_id: int,
    resource: PublishedEntry,
    purpose_code: str,
    today: date,
) -> Entitlement:
    """The items of a published resource a department may read for a purpose today, and why."""
    rules = get_active_profile().sharing
    kind = SharingType(resource.sharing_type)
    base = Entitlement(
        resource_id=resource.resource_id, resource_code=resource.code, sharing_type=kind, items=()
    )
    if kind == SharingType.NONE:
        return base  # verification only (GZ 26 ¶3; ZS 22 ¶3)
    typed = item_types(resource)
    allowed: set[str] = set()
    bases: list[Basis] = []
    if rules.unconditional_direct.enabled:  # GZ 26 ¶1; ZS 22 ¶1
        allowed = {name for name, t in typed if t == SharingType.UNCONDITIONAL}
        if allowed:
            bases.append(Basis.UNCONDITIONAL)
    pending = [name for name, _ in typed if name not in allowed]
    used: list[GrantUsed] = []
    if pending:  # GZ 26 ¶2; ZS 22 ¶2: an active grant for this purpose (ZS 21)
        rows = _active_grants(session, consumer_department_id, resource.resource_id, today)
        for grant_id, granted, purposes, approved_by, granted_by in rows:
            if purpose_code not in purposes:
                continue
            adds = tuple(name for name in pending if name in granted and name not in allowed)
            if adds:
                allowed.update(adds)
                used.append(GrantUsed(grant_id, approved_by or granted_by, adds))
        if used:
            bases.append(Basis.GRANT)
    pending = [name for name in pending if name not in allowed]
    public_security = False
    if (
        pending
        and rules.public_security_unconditional.enabled
        and is_public_security_purpose(purpose_code)
        and _kind_of(session, consumer_department_id) == DepartmentKind.PUBLIC_SECURITY
    ):  # ZS 22 ¶4: public-security management gets the data unconditionally
        allowed.update(pending)
        bases.append(Basis.PUBLIC_SECURITY)
        public_security = True
    return Entitlement(
        resource_id=resource.resource_id,
        resource_code=resource.code,
        sharing_type=kind,
        items=tuple(name for name, _ in typed if name in allowed),
        bases=tuple(bases),
        grants=tuple(used),
        public_security=public_security,
    )


_GRANTS = cast(Table, Grant.__table__)
_ACTIVE_GRANTS = (
    select(
        _GRANTS.c.id,
        _GRANTS.c["items"],
        _GRANTS.c.purposes,
        _GRANTS.c.approved_by,
        _GRANTS.c.granted_by,
    )
    .where(
        _GRANTS.c.consumer_department_id == bindparam("department_id"),
        _GRANTS.c.resource_id == bindparam("resource_id"),
        _state_condition(GrantState.ACTIVE, bindparam("today", type_=Date)),
    )
    .order_by(_GRANTS.c.id)
)


def _active_grants(
    session: Session, department_id: int, resource_id: int, today: date
) -> list[tuple[int, list[str], list[str], str, str]]:
    """(id, items, purposes, approved_by, granted_by) of the department's active grants."""
    params = {"department_id": department_id, "resource_id": resource_id, "today": today}
    return [tuple(row) for row in session.execute(_ACTIVE_GRANTS, params)]


def _kind_of(session: Session, department_id: int) -> str | None:
    dept = session.get(Department, department_id)
    return None if dept is None else dept.kind


# --- taking data ---------------------------------------------------------------------------------


def _check_purpose(purpose_text: str, purpose_code: str) -> tuple[str, str]:
    text = (purpose_text or "").strip()
    code = (purpose_code or "").strip()
    if not text or not code:
        raise Invalid(
            "name the purpose: the business matter's code and what it is for (GZ 25; ZS 21)",
            code="purpose_required",
        )
    if len(text) > MAX_PURPOSE_TEXT:
        raise Invalid(
            "the purpose is at most {limit} characters",
            code="purpose_too_long",
            limit=MAX_PURPOSE_TEXT,
        )
    return text, _check_purpose_code(code)


def _consumer(actor: Actor) -> int:
    if actor.department_id is None:
        raise Forbidden("data is taken on behalf of a department", code="no_department")
    return actor.department_id


def method_of(actor: Actor, n_subjects: int) -> QueryMethod:
    """The method recorded for a query: a batch when several subjects, else how the actor came."""
    if n_subjects > 1:
        return QueryMethod.BATCH
    return {Method.CONSOLE: QueryMethod.CONSOLE, Method.API: QueryMethod.API}.get(
        actor.method, QueryMethod.CLI
    )


@dataclass(frozen=True)
class SubjectResult:
    """One subject of a query: found (with the entitled items only), not_found or invalid."""

    subject: str
    status: SubjectStatus
    data: dict[str, Any] | None = None


@dataclass(frozen=True)
class QueryResult:
    """What a query returns."""

    entitlement: Entitlement
    purpose_code: str
    results: list[SubjectResult] = field(default_factory=list)

    @property
    def found(self) -> int:
        """How many subjects were found."""
        return sum(1 for r in self.results if r.status == "found")


def query(
    session: Session,
    *,
    actor: Actor,
    resource_id: int,
    subjects: Sequence[str],
    purpose_text: str,
    purpose_code: str,
    method: QueryMethod | str,
    today: date,
) -> QueryResult:
    """Looks subjects up and returns only the entitled items; audited before anything is returned."""
    text, code = _check_purpose(purpose_text, purpose_code)  # GZ 25; ZS 21
    department_id = _consumer(actor)
    if not subjects:
        raise Invalid("name at least one subject", code="no_subjects")
    if len(subjects) > MAX_SUBJECTS:
        raise Invalid(
            "at most {limit} subjects per call", code="batch_too_large", limit=MAX_SUBJECTS
        )
    if method not in set(QueryMethod):
        raise Invalid(
            "method is one of {methods}",
            code="invalid_method",
            methods=", ".join(QueryMethod),
        )
    method = QueryMethod(method)
    entry = published(session, resource_id=resource_id)
    ent = entitlement(
        session,
        consumer_department_id=department_id,
        resource=entry,
        purpose_code=code,
        today=today,
    )
    if ent.verification_only:
        raise _refusal(ent, code)
    key_type = str(entry.snapshot.get("subject_key_type", "custom"))
    # records.subject_hash, with the keyring looked up once for the batch rather than per subject
    blind_index = keyring().blind_index
    keyed: list[tuple[str, str, bool]] = []  # (subject as shown, blind index, valid)
    for raw in subjects:
        try:
            subject = records.normalise_subject(key_type, raw)
        except Invalid:
            keyed.append((raw.strip(), blind_index(raw.strip()), False))
        else:
            keyed.append((subject, blind_index(subject), True))
    hashes = list(dict.fromkeys(h for _, h, ok in keyed if ok))
    if len(hashes) == 1:
        one = records.current_one(session, resource_id=resource_id, subject_hash_=hashes[0])
        found = {hashes[0]: one} if one is not None else {}
    else:
        found = records.current(session, resource_id=resource_id, subject_hashes=hashes)
    key_item = _key_item(entry)
    results = []
    for subject, hash_, ok in keyed:
        record = found.get(hash_) if ok else None
        if record is not None:
            results.append(SubjectResult(subject, "found", _minimise(record, ent.items, key_item)))
        else:
            results.append(SubjectResult(subject, "not_found" if ok else "invalid"))
    outcome = QueryResult(entitlement=ent, purpose_code=code, results=results)
    # ZS 32: the use is on record before the data leaves; a failure here returns nothing.
    audit.record(
        session,
        actor=actor,
        action="data.query",
        object_type="resource",
        object_id=resource_id,
        purpose=f"{code}: {text}",
        details={
            **_audit_common(ent, department_id, code, method),
            "subjects": [h for _, h, _ in keyed],
            "invalid": sum(1 for *_, ok in keyed if not ok),
            "result_count": outcome.found,
        },
    )
    return outcome


def _refusal(ent: Entitlement, purpose_code: str) -> Forbidden:
    if ent.sharing_type == SharingType.NONE:
        return Forbidden(
            "{resource} is not shared; only verification is possible (GZ 26 ¶3)",
            code="not_entitled",
            resource=ent.resource_code,
        )
    return Forbidden(
        "no active grant for purpose {purpose_code} covers {resource}; "
        "apply for it, or ask for verification (GZ 26)",
        code="not_entitled",
        purpose_code=purpose_code,
        resource=ent.resource_code,
    )


def _audit_common(ent: Entitlement, department_id: int, code: str, method: str) -> dict[str, Any]:
    return {
        "resource": ent.resource_code,
        "consumer_department_id": department_id,
        "purpose_code": code,
        "method": str(method),
        "items": list(ent.items),
        "basis": [str(b) for b in ent.bases],
        "grants": [{"id": g.id, "approved_by": g.approved_by} for g in ent.grants],
        "public_security": ent.public_security,
    }


def _minimise(
    record: records.Record, items: tuple[str, ...], key_item: str | None
) -> dict[str, Any]:
    """Only the entitled items of a record (ZS 19(iii)); nothing else of the payload leaves."""
    payload = record.payload
    out = {name: payload.get(name) for name in items}
    if key_item in out and out[key_item] is None:
        out[key_item] = record.subject
    return out


# --- verification --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    """Per item: match, no_match or no_record — never a stored value (GZ 26 ¶3; ZS 22 ¶3)."""

    resource_code: str
    results: dict[str, Comparison]


def verify(
    session: Session,
    *,
    actor: Actor,
    resource_id: int,
    subject: str,
    values: dict[str, Any],
    purpose_text: str,
    purpose_code: str,
    today: date,
    now: datetime | None = None,
) -> VerifyResult:
    """Compares the values a consumer holds with the record; says match or not per item, never the values."""
    text, code = _check_purpose(purpose_text, purpose_code)  # GZ 25; ZS 21
    department_id = _consumer(actor)
    entry = published(session, resource_id=resource_id)
    names = [name for name, _ in item_types(entry)]
    if not values:
        raise Invalid("name at least one item to compare", code="no_values")
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise Invalid(
            "{resource} has no data item {names}",
            code="unknown_item",
            resource=entry.code,
            names=", ".join(unknown),
        )
    ent = entitlement(
        session,
        consumer_department_id=department_id,
        resource=entry,
        purpose_code=code,
        today=today,
    )
    rules = get_active_profile().sharing
    if set(values) - set(ent.items) and not rules.verification_cooperation.enabled:
        raise Forbidden(
            "the profile provides no verification of data the department may not read [{article}]",
            code="verification_not_provided",
            article=rules.verification_cooperation.citation(),
        )
    _take_verification_slot(session, department_id=department_id, now=now or utcnow())
    key_type = str(entry.snapshot.get("subject_key_type", "custom"))
    try:
        normal = records.normalise_subject(key_type, subject)
    except Invalid:
        # The message does not echo the number: error texts end up in logs.
        raise Invalid(
            "the subject is not a valid {key_type}", code="invalid_subject", key_type=key_type
        ) from None
    hash_ = records.subject_hash(normal)
    record = records.current_one(session, resource_id=resource_id, subject_hash_=hash_)
    key_item = _key_item(entry)
    results: dict[str, Comparison] = {}
    for name in names:
        if name not in values:
            continue
        if record is None:
            results[name] = "no_record"
            continue
        stored = record.payload.get(name)
        if stored is None and name == key_item:
            stored = record.subject
        results[name] = "match" if _same(stored, values[name]) else "no_match"
    audit.record(
        session,
        actor=actor,
        action="data.verify",
        object_type="resource",
        object_id=resource_id,
        purpose=f"{code}: {text}",
        details={
            **_audit_common(ent, department_id, code, str(actor.method)),
            "items": list(results),
            "subjects": [hash_],
            "results": results,
            "result_count": 0 if record is None else 1,
        },
    )
    return VerifyResult(resource_code=entry.code, results=results)


def _canonical(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        try:
            return format(Decimal(str(value)).normalize(), "f")
        except InvalidOperation:
            return str(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().casefold()
    try:  # "12.50" given for a stored 12.5
        return (
            format(Decimal(text).normalize(), "f") if re.fullmatch(r"-?\d+(\.\d+)?", text) else text
        )
    except InvalidOperation:
        return text


def _same(stored: Any, given: Any) -> bool:
    a, b = _canonical(stored), _canonical(given)
    return a is not None and a == b


_WINDOWS = cast(Table, VerificationWindow.__table__)


def _take_verification_slot(session: Session, *, department_id: int, now: datetime) -> None:
    """Counts one verification in the department's current minute; RateLimited past the limit."""
    window = now.replace(second=0, microsecond=0)
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(_WINDOWS).values(department_id=department_id, window_start=window, count=1)
    # One statement, safe under concurrency: the row lock serialises a department's counters.
    upsert = stmt.on_conflict_do_update(
        index_elements=[_WINDOWS.c.department_id, _WINDOWS.c.window_start],
        set_={"count": _WINDOWS.c.count + 1},
    ).returning(_WINDOWS.c.count)
    count = session.execute(upsert).scalar_one()
    if count == 1:  # a new minute: the department's old windows are of no more use
        session.execute(
            delete(_WINDOWS).where(
                _WINDOWS.c.department_id == department_id,
                _WINDOWS.c.window_start < window - timedelta(hours=1),
            )
        )
    if count > VERIFY_PER_MINUTE:
        retry = 60 - now.second
        raise RateLimited(
            "at most {limit} verifications per minute per department; try again in {retry_after} s",
            limit=VERIFY_PER_MINUTE,
            retry_after=retry,
        )
