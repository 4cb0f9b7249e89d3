"""The demo's applications for conditional data, in every state, and a dispute at each step.

Everything goes through the services with past dates, so the records, deadlines, audit entries
and notifications are what the platform would have produced; the sweep that `demo.create`
runs afterwards applies what silence and lateness mean today (GZ 26: deemed consent).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.calendar import service as calendar
from govshare.catalogue.enums import ResourceStatus, SharingType
from govshare.catalogue.models import Resource
from govshare.governance import decisions
from govshare.governance import disputes as governance
from govshare.kit.actor import Actor, ActorKind, Method
from govshare.orgs.models import Department
from govshare.profiles.service import get_active_profile
from govshare.sharing import applications
from govshare.sharing import service as sharing
from govshare.sharing.application_models import Application

# (consumer department code, its user's name, business-matter code, purpose)
CONSUMERS = [
    ("GZ-RSJ", "人社局工作人员 张敏", "GZ-RS-0107", "社会保险待遇资格认证"),
    ("YX-MZJ", "越秀区民政局 周杰", "YX-MZ-0032", "最低生活保障家庭经济状况核对"),
    ("GZ-WJW", "卫健委工作人员 李娜", "GZ-WJ-0210", "计划生育家庭特别扶助审核"),
    ("GZ-JYJ", "教育局工作人员 王强", "GZ-JY-0015", "义务教育阶段入学资格审核"),
    ("GZ-CL", "残联工作人员 赵丽", "GZ-CL-0008", "残疾人两项补贴资格审核"),
    ("GZ-GJJ", "公积金中心工作人员 孙涛", "GZ-GJ-0120", "住房公积金提取资格审核"),
]


@dataclass(frozen=True)
class Offer:
    resource_id: int
    provider_id: int
    items: list[str]


def person(name: str, dept: Department, role: str) -> Actor:
    return Actor(
        kind=ActorKind.USER,
        id=None,
        name=name,
        method=Method.CONSOLE,
        department_id=dept.id,
        roles=frozenset({role}),
    )


def offers_to_apply_for(session: Session) -> list[Offer]:
    """Published conditional resources and the items one has to apply for."""
    out = []
    stmt = (
        select(Resource.id, Resource.department_id)
        .where(
            Resource.status == ResourceStatus.PUBLISHED,
            Resource.sharing_type == SharingType.CONDITIONAL,
        )
        .order_by(Resource.id)
    )
    for resource_id, provider_id in session.execute(stmt):
        entry = sharing.published(session, resource_id=resource_id)
        keys = {i["name"] for i in entry.snapshot.get("items", []) if i.get("is_subject_key")}
        items = [
            name
            for name, kind in sharing.item_types(entry)
            if kind == SharingType.CONDITIONAL and name not in keys
        ]
        if items:
            out.append(Offer(resource_id, provider_id, items))
    return out


class Clock:
    def __init__(self, session: Session, today: date) -> None:
        self.session, self.today = session, today

    def back(self, n: int) -> date:
        """The working day n working days before today."""
        day, left = self.today, n
        while left > 0:
            day -= timedelta(days=1)
            if calendar.is_working_day(self.session, day):
                left -= 1
        return day


def load(session: Session, *, depts: dict[str, Department], today: date) -> dict[str, int]:
    """Creates the demo applications and disputes; returns how many of each state."""
    offers = offers_to_apply_for(session)
    if len(offers) < 4:
        return {}
    clock = Clock(session, today)
    authority = Actor.operator("陈主任")
    providers = {d.id: d for d in depts.values()}
    n = 0

    def submit(k: int, offer: Offer, days_ago: int, items: list[str] | None = None) -> Application:
        nonlocal n
        n += 1
        code, user, matter, purpose = CONSUMERS[k % len(CONSUMERS)]
        consumer = depts[code]
        if consumer.id == offer.provider_id:
            code, user, matter, purpose = CONSUMERS[(k + 1) % len(CONSUMERS)]
            consumer = depts[code]
        day = clock.back(days_ago)
        return applications.submit(
            session,
            actor=person(user, consumer, "staff"),
            resource_id=offer.resource_id,
            purpose_text=f"{purpose}（第 {n} 批）",
            legal_basis="《广州市政务信息共享管理规定》第二十五条、第二十六条",
            purposes=[matter],
            items=items or offer.items,
            expected_volume=f"每月约 {200 * n} 人次",
            period_from=day,
            period_until=day + timedelta(days=365),
            involves_secret_or_privacy=False,
            today=day,
        )

    def officer(application: Application) -> Actor:
        return person("数据管理员", providers[application.provider_department_id], "data_officer")

    def offer(k: int) -> Offer:
        return offers[k % len(offers)]

    # Open: just in, one working day left (the sweep reminds), and silent past the limit (the
    # sweep deems consent under GZ 26).
    limit = get_active_profile().applications.response.working_days or 5
    submit(0, offer(0), 1)
    submit(1, offer(1), max(limit - 1, 1))
    submit(2, offer(2), limit + 2)
    # Answered: approved and delivered, approved in part, approved but not delivered in time,
    # refused, withdrawn.
    app = submit(3, offer(1), 12)
    applications.approve(session, actor=officer(app), application_id=app.id, today=clock.back(10))
    applications.mark_delivered(
        session, actor=officer(app), application_id=app.id, today=clock.back(8)
    )
    app = submit(4, offer(3), 6)
    applications.approve(
        session,
        actor=officer(app),
        application_id=app.id,
        today=clock.back(5),
        items=app.items[:1],
        note="仅提供办理事项所需的最少信息项",
    )
    app = submit(5, offer(0), 15)
    applications.approve(session, actor=officer(app), application_id=app.id, today=clock.back(13))
    app = submit(1, offer(2), 3)
    applications.refuse(
        session,
        actor=officer(app),
        application_id=app.id,
        reason="申请用途与所列法律依据不符，且未附业务主管部门批准文件",
        today=clock.back(2),
    )
    app = submit(2, offer(3), 4)
    applications.withdraw(
        session, actor=_consumer_of(app, depts), application_id=app.id, today=clock.back(3)
    )
    # Refused and disputed: one case resting at each step of the ladder, and one decided.
    ladder = get_active_profile().disputes.ladder_for("application")
    steps = len(ladder.steps) if ladder is not None else 0
    for k in range(steps + 1):
        app = submit(k + 3, offer(k + 1), 20 - k)
        applications.refuse(
            session,
            actor=officer(app),
            application_id=app.id,
            reason="所需信息涉及个人隐私，申请部门未说明最小必要范围",
            today=clock.back(18 - k),
        )
        dispute = governance.raise_dispute(
            session,
            actor=_consumer_of(app, depts),
            reasons="办理事项有法定依据，所申请信息项为办理所必需（GZ 28）",
            today=clock.back(17 - k),
            application_id=app.id,
        )
        for step in range(min(k, steps - 1)):
            decisions.escalate(
                session,
                actor=authority,
                dispute_id=dispute.id,
                reasons="协商未达成一致，提请下一环节处理",
                today=clock.back(16 - k + step),
            )
        if k == steps:
            decisions.decide(
                session,
                actor=authority,
                dispute_id=dispute.id,
                outcome="provide",
                reasons="经审查，申请用途合法，提供部门应在规定期限内提供",
                today=clock.back(2),
            )
    states: dict[str, int] = {}
    for state in session.scalars(select(Application.state)):
        states[str(state)] = states.get(str(state), 0) + 1
    return states


def _consumer_of(application: Application, depts: dict[str, Department]) -> Actor:
    dept = next(d for d in depts.values() if d.id == application.consumer_department_id)
    return person("申请部门工作人员", dept, "staff")


def link_sources(session: Session, *, today: date) -> int:
    """Declares the demo's same-data links (ZS 17; JS 11) and compares them; returns open cases."""
    from govshare.demo_data import DIVERGENCES
    from govshare.quality import divergence, links

    authority = Actor.operator("陈主任")
    opened = 0
    for name, item, reference in DIVERGENCES:
        ids = dict(
            session.execute(
                select(Resource.name, Resource.id).where(
                    Resource.name.in_([name, reference]),
                    Resource.status == ResourceStatus.PUBLISHED,
                )
            ).all()
        )
        if name not in ids or reference not in ids:
            continue
        link = links.create_link(
            session,
            actor=authority,
            resource_a_id=ids[name],
            item_a=item,
            resource_b_id=ids[reference],
            item_b=item,
            source_resource_id=ids[reference],
            note=f"{item}以{reference}为准（一数一源）",
        )
        opened += divergence.compare_link(
            session, actor=authority, link_id=link.id, today=today
        ).opened
    return opened
