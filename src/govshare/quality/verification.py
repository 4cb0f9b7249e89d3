"""Verification requests (核查): a consumer questions values of a record it saw (GZ 30, 33; ZS 23; ZZ 21).

A consumer department files the request from a record it was entitled to see: the items it
questions (only items its entitlement for the stated purpose covers; nothing else is read or
shown), what it believes is right per item, the reason, evidence files (attachments of owner
type `verification_request`), whether the party objected and supplied legally valid documents.
Where the profile's `handle_on_valid_documents` holds (GZ 33; ZS 23 ¶2) and the party supplied
such documents, the request records that the consumer goes on with the party's case on those
documents: filing one that says otherwise is refused. The party is never sent to the provider to
have the value corrected (GZ 33; ZS 23 ¶2): no step, text or notice of this module does so.

Who answers comes from the profile's `answered_by`, fixed on the request when it is filed:

- `provider` (GZ 30; also the documented default where the text is silent): the provider's data
  officer or business system answers.
- `authority_with_provider` (ZS 23: the data department reviews "together with" the provider):
  two hands. The provider first proposes (confirm, or correct with the values it holds right,
  with its note); then the authority answers, starting from the proposal, and may differ from it.
  The authority cannot answer before the provider's input is on record.
- `authority` (ZZ 21): the authority answers alone.

The deadline is the profile's `answer` in working days from the filing day (due_on); a silent
deadline gives no due date and the request is never flagged late.

The answer confirms the stored value, or corrects it in the same step: the corrected values are
written as a new record version through the datastore's own load path (`datastore.service.push`),
whose reason names the request ("verification request #12"), so the record history shows old and
new values with the request as reason. GZ 30 requires the correction "at the same time"
(`correct_with_answer`); where a text only asks for a timely correction (ZS 23) the platform still
makes it with the answer, the earliest moment it can. When the authority answers, the version is
written with the operator's powers under the authority user's name (the authority may not load
data otherwise).

Every department that received the old value through a query in the last `RECIPIENT_WINDOW_DAYS`
days (no text names a period) is told of the correction: found in the audit log (`data.query`
entries on the resource naming the subject's blind index among their subjects and one of the
corrected items among the items delivered). `recipients_told` counts those departments other than
the requester, which is told by the answer itself.

Subjects and values are personal data: they are sealed with the data keyring (`subject_enc`,
`claims_enc`, bound to the resource and subject by their associated data) and only the blind
index is stored in clear. Every step is audited in the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.audit import service as audit
from govshare.calendar.service import WorkingCalendar
from govshare.datastore import records
from govshare.kit.actor import Actor, ActorKind
from govshare.kit.crypto import keyring
from govshare.kit.errors import Forbidden, IllegalTransition, Invalid, NotFound
from govshare.notify import service as notify
from govshare.orgs.models import Role
from govshare.profiles.service import get_active_profile
from govshare.quality.verification_models import RequestState, VerificationRequest
from govshare.sharing import service as sharing

OWNER = "verification_request"
FLAG_KIND = "verification.overdue"
RECIPIENT_WINDOW_DAYS = 180  # how far back past recipients are told of a correction (no text says)
MAX_TEXT = 2000
MAX_VALUE = 500
CONSUMERS = (Role.STAFF, Role.DATA_OFFICER, Role.SERVICE)
PROVIDERS = (Role.DATA_OFFICER, Role.SERVICE)
LINK = "/verification-requests/{id}"


def _readers(session: Session, request_id: int) -> set[int]:
    req = session.get(VerificationRequest, request_id)
    return set() if req is None else {req.consumer_department_id, req.provider_department_id}


attachments.register_owner(OWNER, _readers)


def aad(resource_id: int, subject_hash: str) -> bytes:
    """Associated data binding a request's sealed subject and values to its resource and subject."""
    return f"verification:{resource_id}:{subject_hash}".encode()


def reseal(req: VerificationRequest, values: Mapping[str, Any]) -> None:
    plain = json.dumps(values, ensure_ascii=False, sort_keys=True).encode()
    req.claims_enc = keyring().encrypt(plain, aad=aad(req.resource_id, req.subject_hash))


def sealed_values(req: VerificationRequest) -> dict[str, Any]:
    """The sealed values: `claimed` and `stored` (at filing) per item; `proposed`, `corrected`, `previous` once known."""
    plain = keyring().decrypt(req.claims_enc, aad=aad(req.resource_id, req.subject_hash))
    out: dict[str, Any] = json.loads(plain)
    return out


def subject_of(req: VerificationRequest) -> str:
    """The request's subject key, decrypted."""
    return keyring().decrypt(req.subject_enc, aad=aad(req.resource_id, req.subject_hash)).decode()


def clean_text(value: str, *, code: str, message: str, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise Invalid(message, code=code)
    if len(text) > MAX_TEXT:
        raise Invalid("a text is at most {limit} characters", code=code, limit=MAX_TEXT)
    return text


def key_item(entry: sharing.PublishedEntry) -> str | None:
    for item in entry.snapshot.get("items", []):
        if item.get("is_subject_key"):
            return str(item["name"])
    return None


def _rule() -> tuple[str, str]:
    """Who answers and the article the request cites.

    A silent `answered_by` leaves the answer to the provider, with no deadline where the
    `answer` limit is silent too (docs/profiles.md).
    """
    rules = get_active_profile().verification_requests
    answered_by = rules.answered_by.value or "provider"
    article = rules.answer.article or rules.answered_by.article or "(text silent)"
    return answered_by, article


@dataclass(frozen=True)
class Questionable:
    """What a consumer may question of a record: the entitled items, without the subject key."""

    resource_id: int
    code: str
    subject: str
    items: tuple[str, ...]


def questionable(
    session: Session,
    *,
    actor: Actor,
    resource_id: int,
    subject: str,
    purpose_code: str,
    today: date,
) -> Questionable:
    """The items of a resource a consumer may question for a purpose (its entitlement, less the key)."""
    if actor.department_id is None or not actor.has_role(*CONSUMERS):
        raise Forbidden(
            "only a consuming department files a verification request", code="forbidden_role"
        )
    entry = sharing.published(session, resource_id=resource_id)
    if entry.department_id == actor.department_id:
        raise Invalid(
            "this is your own department's data: correct it by loading the right value",
            code="own_data",
        )
    code = (purpose_code or "").strip()
    if not code:
        raise Invalid("name the business matter the record was used for", code="purpose_required")
    ent = sharing.entitlement(
        session,
        consumer_department_id=actor.department_id,
        resource=entry,
        purpose_code=code,
        today=today,
    )
    key = key_item(entry)
    items = tuple(i for i in ent.items if i != key)
    if not items:
        raise Forbidden(
            "your department may not read this resource for this purpose, so it cannot question it",
            code="not_entitled",
        )
    key_type = str(entry.snapshot.get("subject_key_type", "custom"))
    normal = records.normalise_subject(key_type, (subject or "").strip())
    return Questionable(resource_id=resource_id, code=entry.code, subject=normal, items=items)


def tell(
    session: Session,
    req: VerificationRequest,
    *,
    kind: str,
    title: str,
    consumer: bool = False,
    provider: bool = False,
    authority: bool = False,
    filer: bool = False,
) -> int:
    people = []
    depts = [
        d
        for d, on in (
            (req.consumer_department_id, consumer),
            (req.provider_department_id, provider),
        )
        if on
    ]
    for users in notify.recipients_by_department(session, depts, roles=notify.OFFICERS).values():
        people += users
    if authority:
        people += notify.recipients(session, roles=notify.AUTHORITY)
    filer_id = req.details.get("filed_by_id")
    if filer and isinstance(filer_id, int):
        people += notify.recipients(session, user_ids=[filer_id])
    return notify.notify(
        session,
        users=people,
        kind=kind,
        title=title,
        link=LINK.format(id=req.id),
        object_type=OWNER,
        object_id=req.id,
    )


def file_request(
    session: Session,
    *,
    actor: Actor,
    resource_id: int,
    subject: str,
    purpose_code: str,
    claims: Mapping[str, str],
    reason: str,
    party_objected: bool = False,
    party_documents: bool = False,
    handled_on_documents: bool = False,
    case_reference: str = "",
    today: date,
    uploads: Sequence[attachments.Upload] = (),
) -> VerificationRequest:
    """Files a verification request about values of a record the consumer saw (GZ 30, 33; ZS 23; ZZ 21)."""
    answered_by, article = _rule()
    seen = questionable(
        session,
        actor=actor,
        resource_id=resource_id,
        subject=subject,
        purpose_code=purpose_code,
        today=today,
    )
    wanted = {k.strip(): (v or "").strip() for k, v in claims.items() if k.strip()}
    if not wanted:
        raise Invalid("choose at least one data item you question", code="items_required")
    outside = [k for k in wanted if k not in seen.items]
    if outside:
        # The same answer for an item that does not exist and one outside the grant.
        raise Forbidden(
            "you may question only items your department is entitled to see",
            code="item_not_entitled",
        )
    for value in wanted.values():
        if not value:
            raise Invalid(
                "say what you believe is right for every item you question", code="claim_required"
            )
        if len(value) > MAX_VALUE:
            raise Invalid(
                "a value is at most {limit} characters", code="claim_too_long", limit=MAX_VALUE
            )
    why = clean_text(reason, code="reason_required", message="state the reason for the request")
    rules = get_active_profile().verification_requests
    if party_documents and rules.handle_on_valid_documents.enabled and not handled_on_documents:
        raise Invalid(
            "the party supplied legally valid documents: the case goes on on those documents and "
            "may not be refused because they differ from the shared data [{article}]",
            code="must_handle_on_documents",
            article=rules.handle_on_valid_documents.citation(),
        )
    hash_ = records.subject_hash(seen.subject)
    record = records.current_one(session, resource_id=resource_id, subject_hash_=hash_)
    if record is None:
        raise NotFound("the resource has no record of this subject", code="record_not_found")
    kept = attachments.check(uploads)
    cal = WorkingCalendar(session)
    due = (
        None
        if rules.answer.working_days is None
        else cal.due_date(today, rules.answer.working_days)
    )
    entry = sharing.published(session, resource_id=resource_id)
    assert actor.department_id is not None  # checked by `questionable`
    req = VerificationRequest(
        resource_id=resource_id,
        subject_hash=hash_,
        subject_enc=keyring().encrypt(seen.subject.encode(), aad=aad(resource_id, hash_)),
        consumer_department_id=actor.department_id,
        provider_department_id=entry.department_id,
        items=list(wanted),
        claims_enc="",
        reason=why,
        party_objected=party_objected,
        party_documents=party_documents,
        handled_on_documents=handled_on_documents,
        case_reference=(case_reference or "").strip()[:200],
        answered_by_rule=answered_by,
        article=article[:60],
        state=RequestState.OPEN,
        outcome="",
        filed_on=today,
        filed_by=actor.name[:100],
        due_on=due,
        answered_by="",
        answer="",
        recipients_told=0,
        late=False,
        details={
            "purpose_code": purpose_code.strip(),
            "resource_code": seen.code,
            "filed_by_id": actor.id if actor.kind == ActorKind.USER else None,
            "record_version": record.version,
        },
    )
    reseal(req, {"claimed": wanted, "stored": {k: record.payload.get(k) for k in wanted}})
    session.add(req)
    session.flush()  # the attachments, audit entry and notices name the request
    attachments.attach(session, actor=actor, owner_type=OWNER, owner_id=req.id, uploads=kept)
    audit.record(
        session,
        actor=actor,
        action="verification.file",
        object_type=OWNER,
        object_id=req.id,
        details={
            "resource_id": resource_id,
            "subject": hash_,
            "items": list(wanted),
            "answered_by": answered_by,
            "due_on": str(due or ""),
            "party_objected": party_objected,
            "party_documents": party_documents,
            "handled_on_documents": handled_on_documents,
            "evidence": len(kept),
        },
    )
    two_hands = answered_by != "provider"
    tell(
        session,
        req,
        kind="verification.filed",
        title=f"Verification request #{req.id} on {seen.code}: {', '.join(wanted)}"
        + (f", answer by {due}" if due else ""),
        provider=True,
        authority=two_hands,
    )
    return req


def add_evidence(
    session: Session, *, actor: Actor, request_id: int, uploads: Sequence[attachments.Upload]
) -> list[attachments.Attachment]:
    """The requesting department adds evidence files to its open request."""
    req = session.get(VerificationRequest, request_id)
    if req is None or actor.department_id != req.consumer_department_id:
        raise NotFound("no verification request {id}", code="request_not_found", id=request_id)
    if not actor.has_role(*CONSUMERS):
        raise Forbidden("your role may not do this", code="forbidden_role")
    if req.state != RequestState.OPEN:
        raise IllegalTransition(
            "the request is {state}; evidence is added while it is open",
            code="illegal_transition",
            state=req.state,
        )
    kept = attachments.check(uploads)
    if not kept:
        raise Invalid("choose a file to attach", code="attachment_missing")
    return attachments.attach(session, actor=actor, owner_type=OWNER, owner_id=req.id, uploads=kept)
