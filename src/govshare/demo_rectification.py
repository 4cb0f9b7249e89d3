"""The demo's rectification notices in every state, and sources the platform proposes notices from.

Everything goes through the services with past dates (GZ 43): a notice closed after one answer,
one rejected and waiting for a second answer, one answered and waiting for the authority, one
issued from a proposal, one the sweep reported to the people's government after its deadline
passed, and one the authority rejected and reported at once. It also leaves sources for the
proposals: an application the provider let lapse so that no consent could take effect (still
unanswered), and one deemed agreed that the sweep of `demo.create` turns into an undelivered
deemed consent. Stale resources (demo_data), the overdue catalogue change (demo_catalogue) and
verification requests (their own demo) are proposed from what those demos leave.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.demo_sharing import CONSUMERS, Clock, Offer, offers_to_apply_for, person
from govshare.governance import rectification, rectification_rules
from govshare.governance import rectification_proposals as proposals
from govshare.governance import rectification_queries as queries
from govshare.kit.actor import Actor
from govshare.orgs.models import Department
from govshare.sharing import applications
from govshare.sharing.application_models import Application

AUTHORITY = "陈主任"
EVIDENCE = "整改材料清单\n1. 数据更新日志\n2. 系统对接测试报告\n".encode()


def _apply(
    session: Session,
    depts: dict[str, Department],
    offer: Offer,
    *,
    day: date,
    period_days: int,
    note: str,
) -> Application:
    code, user, matter, purpose = next(c for c in CONSUMERS if depts[c[0]].id != offer.provider_id)
    consumer = depts[code]
    return applications.submit(
        session,
        actor=person(user, consumer, "staff"),
        resource_id=offer.resource_id,
        purpose_text=f"{purpose}({note})",
        legal_basis="《广州市政务信息共享管理规定》第二十五条、第二十六条",
        purposes=[matter],
        items=offer.items,
        expected_volume="每月约 300 人次",
        period_from=day,
        period_until=day + timedelta(days=period_days),
        involves_secret_or_privacy=False,
        today=day,
    )


def load(session: Session, *, depts: dict[str, Department], today: date) -> dict[str, int]:
    """Creates the demo notices and proposal sources; returns how many notices per state."""
    clock = Clock(session, today)
    boss = Actor.operator(AUTHORITY)

    def officer(code: str, name: str) -> Actor:
        return person(name, depts[code], "data_officer")

    def issue(code: str, ground: str, facts: str, requirement: str, ago: int, due: int) -> int:
        notice = rectification.issue(
            session,
            actor=boss,
            department_id=depts[code].id,
            ground=ground,
            facts=facts,
            requirement=requirement,
            due_on=clock.back(due) if due > 0 else today + timedelta(days=-due),
            today=clock.back(ago),
        )
        return notice.id

    # Closed: answered once, accepted.
    closed = issue(
        "GZ-WJW",
        "data_not_standard",
        "出生医学证明信息中的出生地代码未使用全市统一的行政区划代码,使用部门无法比对。",
        "按全市统一的行政区划代码标准转换存量数据,并修改采集系统。",
        ago=60,
        due=40,
    )
    wjw = officer("GZ-WJW", "卫健委数据管理员 黄伟")
    rectification.answer(
        session,
        actor=wjw,
        notice_id=closed,
        response="已完成 12.6 万条存量数据的代码转换,采集系统已于上周升级。",
        today=clock.back(45),
        uploads=[attachments.Upload("整改材料清单.txt", EVIDENCE)],
    )
    rectification.accept(
        session,
        actor=boss,
        notice_id=closed,
        note="抽查 500 条,均已符合标准。",
        today=clock.back(43),
    )

    # Rejected: the first answer was not enough; a second answer is due.
    rejected = issue(
        "GZ-GAJ",
        "data_inconsistent",
        "共享平台上的户籍迁出信息与公安业务系统不一致,抽查 200 条中 17 条迁出日期不同。",
        "核对全部户籍迁出记录,更正差异并说明原因。",
        ago=25,
        due=10,
    )
    rectification.answer(
        session,
        actor=officer("GZ-GAJ", "公安局数据管理员 林涛"),
        notice_id=rejected,
        response="已更正抽查发现的 17 条记录。",
        today=clock.back(12),
    )
    rectification.reject(
        session,
        actor=boss,
        notice_id=rejected,
        note="仅更正了抽查记录,未核对全部数据,也未说明差异原因。",
        due_on=clock.today + timedelta(days=14),
        today=clock.back(10),
    )

    # Answered: waiting for the authority's review.
    answered = issue(
        "GZ-RSJ",
        "processes_not_reengineered",
        "社会保险待遇资格认证仍要求申请人提交户籍证明,该信息可通过共享获取。",
        "修改办事指南,删除可通过共享获取的材料,并改造业务流程。",
        ago=15,
        due=-10,
    )
    rectification.answer(
        session,
        actor=officer("GZ-RSJ", "人社局数据管理员 何静"),
        notice_id=answered,
        response="办事指南已删除户籍证明,业务系统改为调用共享接口核验。",
        today=clock.back(2),
    )

    # Proposal sources: two applications the provider let lapse. The first one's period ends
    # before a consent could take effect, so it stays unanswered; a notice is issued from it.
    offers = offers_to_apply_for(session)
    count = {"issued": 0}
    if offers:
        lapsed = [
            _apply(
                session,
                depts,
                offers[i % len(offers)],
                day=clock.back(30 + i),
                period_days=3,
                note="短期核查",
            )
            for i in range(2)
        ]
        _apply(session, depts, offers[-1], day=clock.back(30), period_days=365, note="年度核对")
        proposal = proposals.find(
            session, kind="overdue_application", source_id=lapsed[0].id, today=today
        )
        if proposal is not None:
            rectification.issue(
                session,
                actor=boss,
                department_id=proposal.department_id,
                ground=proposal.ground,
                facts=proposal.facts,
                requirement=proposal.requirement,
                due_on=today + timedelta(days=20),
                today=clock.back(1),
                source_kind=proposal.kind,
                source_id=proposal.source_id,
            )
            count["issued"] = 1

    # Issued, not yet due.
    issue(
        "GZ-CL",
        "catalogue_not_compiled_or_updated",
        "残疾人证信息资源目录未编制信息项的共享条件和更新周期。",
        "补充编制目录的共享条件、更新周期等核心元数据并提交审核。",
        ago=3,
        due=-25,
    )

    # Escalated by the sweep: unanswered past its deadline, reported the day after.
    issue(
        "GZ-LSJ",
        "data_not_connected",
        "来穗人员居住登记信息已在业务系统采集,但至今未接入政务信息共享平台。",
        "完成居住登记信息接入,并按日更新。",
        ago=40,
        due=20,
    )
    rectification_rules.escalate_overdue(session, today=today, actor=Actor.system())

    # Escalated by the authority: the answer was rejected and reported at once.
    reported = issue(
        "GZ-JYJ",
        "misuse",
        "教育局将共享的户籍信息用于招生宣传短信推送,超出入学资格审核的法定职责需要。",
        "立即停止超范围使用,删除相关数据,并提交内部问责情况。",
        ago=30,
        due=15,
    )
    rectification.answer(
        session,
        actor=officer("GZ-JYJ", "教育局数据管理员 郭敏"),
        notice_id=reported,
        response="短信推送系外包公司所为,本局不知情。",
        today=clock.back(16),
    )
    rectification.escalate(
        session,
        actor=boss,
        notice_id=reported,
        reason="整改情况不属实:未停止超范围使用,亦未删除数据。",
        today=clock.back(14),
    )
    session.flush()
    admin = Actor.operator(AUTHORITY)
    found = queries.list_notices(session, actor=admin, today=today, per_page=200)
    states: dict[str, int] = {}
    for n in found.items:
        states[n.state] = states.get(n.state, 0) + 1
    return states
