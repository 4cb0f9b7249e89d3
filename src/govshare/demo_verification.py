"""The demo's verification requests (GZ 30, 33; ZS 23; ZZ 21), one in every state, on real demo records.

A consuming department questions a value of a record of an unconditionally shared resource
it may read; the requests are filed and answered through the services with past dates:
open, open and past its due date (the sweep flags it), answered with the value confirmed,
answered with the record corrected (another department had received the old value, so it is
told), and withdrawn. The value a consumer believes right is taken from another subject's record
of the same item, so that it is valid for the item.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.calendar import service as calendar
from govshare.catalogue.enums import ResourceStatus, SharingType
from govshare.catalogue.models import Resource
from govshare.datastore import records
from govshare.datastore.models import RecordVersion
from govshare.kit.actor import Actor, ActorKind, Method
from govshare.orgs.models import Department, Role
from govshare.quality import verification, verification_answer
from govshare.sharing import service as sharing

# (consumer department code, its user's name, business-matter code, purpose)
CONSUMERS = [
    ("YX-MZJ", "越秀区民政局 周杰", "YX-MZ-0032", "最低生活保障家庭经济状况核对"),
    ("GZ-RSJ", "人社局工作人员 张敏", "GZ-RS-0107", "社会保险待遇资格认证"),
    ("GZ-JYJ", "教育局工作人员 王强", "GZ-JY-0015", "义务教育阶段入学资格审核"),
]
SUBJECTS = 6  # records questioned (one per case) plus the one the claims are taken from


def _person(name: str, dept: Department, role: str) -> Actor:
    return Actor(
        kind=ActorKind.USER,
        id=None,
        name=name,
        method=Method.CONSOLE,
        department_id=dept.id,
        roles=frozenset({role}),
    )


@dataclass(frozen=True)
class _Target:
    resource_id: int
    provider: Department
    item: str
    records: list[records.Record]


def _string_items(entry: sharing.Published) -> list[str]:
    """Text items other than the key, names last (a status or address is the likelier error)."""
    names = [
        str(i["name"])
        for i in entry.snapshot.get("items", [])
        if i.get("data_type") == "string" and not i.get("is_subject_key")
    ]
    return sorted(names, key=lambda n: "姓名" in n)


def _target(session: Session, consumer: Department, code: str, today: date) -> _Target | None:
    """An unconditional resource with records whose string item the consumer may read."""
    stmt = (
        select(Resource)
        .where(
            Resource.status == ResourceStatus.PUBLISHED,
            Resource.sharing_type == SharingType.UNCONDITIONAL,
            Resource.subject_key_type == "resident_id",
            Resource.department_id != consumer.id,
        )
        .order_by(Resource.id)
    )
    for resource in session.scalars(stmt):
        entry = sharing.published(session, resource_id=resource.id)
        ent = sharing.entitlement(
            session,
            consumer_department_id=consumer.id,
            resource=entry,
            purpose_code=code,
            today=today,
        )
        hashes = list(
            session.scalars(
                select(RecordVersion.subject_hash)
                .where(RecordVersion.resource_id == resource.id)
                .distinct()
                .order_by(RecordVersion.subject_hash)
                .limit(SUBJECTS * 3)
            )
        )
        found = list(
            records.current(session, resource_id=resource.id, subject_hashes=hashes).values()
        )
        for item in _string_items(entry):
            if item not in ent.items:
                continue
            usable = [r for r in found if r.payload.get(item)]
            if len({r.payload[item] for r in usable}) >= 2 and len(usable) >= SUBJECTS:
                # The chosen records hold at least two values, so each has another to claim.
                chosen = usable[: SUBJECTS - 1]
                first = chosen[0].payload[item]
                chosen.append(next(r for r in usable if r.payload[item] != first))
                provider = session.get(Department, resource.department_id)
                assert provider is not None
                return _Target(resource.id, provider, item, chosen)
    return None


def load(session: Session, *, depts: dict[str, Department], today: date) -> dict[str, int]:
    """Creates the demo's verification requests; returns how many of each state and outcome."""
    present = [c for c in CONSUMERS if c[0] in depts]
    if len(present) < 2:
        return {}
    code, user, matter, purpose = present[0]
    consumer = depts[code]
    target = _target(session, consumer, matter, today)
    if target is None:
        return {}
    others = [c for c in present[1:] if depts[c[0]].id != target.provider.id]
    if not others:
        return {}
    other_code, other_user, other_matter, other_purpose = others[0]
    staff = _person(user, consumer, Role.STAFF)
    officer = _person(f"{target.provider.name} 数据管理员", target.provider, Role.DATA_OFFICER)
    authority = Actor.operator("陈主任")

    def back(n: int) -> date:
        day, left = today, n
        while left > 0:
            day -= timedelta(days=1)
            if calendar.is_working_day(session, day):
                left -= 1
        return day

    def other_value(rec: records.Record) -> Any:
        mine = rec.payload.get(target.item)
        return next(
            r.payload[target.item] for r in target.records if r.payload[target.item] != mine
        )

    def file(rec: records.Record, days_ago: int, **extra: Any) -> int:
        return verification.file_request(
            session,
            actor=staff,
            resource_id=target.resource_id,
            subject=rec.subject,
            purpose_code=matter,
            claims={target.item: str(other_value(rec))},
            reason=f"{purpose}:当事人对“{target.item}”提出异议",
            party_objected=True,
            today=back(days_ago),
            **extra,
        ).id

    def answer(request_id: int, days_ago: int, outcome: str, corrected: dict[str, str]) -> None:
        day = back(days_ago)
        req = session.get(verification.VerificationRequest, request_id)
        assert req is not None
        rule = req.answered_by_rule
        if rule == "authority_with_provider":  # ZS 23: the provider's input first
            verification_answer.propose(
                session,
                actor=officer,
                request_id=request_id,
                outcome=outcome,
                corrected=corrected,
                note="已核对本部门业务系统登记信息",
                today=day,
            )
        verification_answer.answer(
            session,
            actor=officer if rule == "provider" else authority,
            request_id=request_id,
            outcome=outcome,
            corrected=corrected,
            text="经核查,共享数据与登记信息一致"
            if outcome == "confirmed"
            else "经核查,原数据有误,已同步更正",
            today=day,
        )

    made = {"open": 0, "overdue": 0, "confirmed": 0, "corrected": 0, "withdrawn": 0}
    recs = target.records
    file(recs[0], 1)
    made["open"] += 1
    # Filed long ago and unanswered: past the profile's limit, for the sweep to flag.
    file(
        recs[1],
        12,
        party_documents=True,
        handled_on_documents=True,
        case_reference=f"{matter}-2026-0117",
    )
    made["overdue"] += 1
    confirmed = file(recs[2], 9)
    answer(confirmed, 7, "confirmed", {})
    made["confirmed"] += 1
    # Another department took the record before the correction: it is told of it.
    sharing.query(
        session,
        actor=_person(other_user, depts[other_code], Role.STAFF),
        resource_id=target.resource_id,
        subjects=[recs[3].subject],
        purpose_text=other_purpose,
        purpose_code=other_matter,
        method="console",
        today=back(6),
    )
    corrected = file(recs[3], 5, party_documents=True, handled_on_documents=True)
    answer(corrected, 3, "corrected", {target.item: str(other_value(recs[3]))})
    made["corrected"] += 1
    withdrawn = file(recs[4], 4)
    verification_answer.withdraw(
        session, actor=staff, request_id=withdrawn, reason="当事人已撤回异议", today=back(3)
    )
    made["withdrawn"] += 1
    return made
