"""Applications month by month since January of the previous year, so that the evaluation and
the annual report on last year have figures to show (GZ 26, 35, 37).

Every application goes through the services on its own past dates: submitted, then approved
(and delivered), refused with a reason, withdrawn, or left unanswered until the sweep of the day
after its deadline deems it agreed. The mix varies by provider and month, so the providers rank
differently. It runs before `demo_sharing`, whose cases are the recent ones.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from govshare.calendar.service import WorkingCalendar
from govshare.demo_sharing import CONSUMERS, Offer, offers_to_apply_for, person
from govshare.kit.actor import Actor
from govshare.orgs.models import Department
from govshare.sharing import application_rules, applications

PER_MONTH = 8
REFUSALS = (
    "申请用途超出申请部门法定职责范围",
    "所申请信息项超出办理事项的最小必要范围",
    "未提供业务主管部门的批准文件",
)


def _fate(provider_rank: int, n: int) -> str:
    """What happens to the n-th application to a provider: slower providers answer late more often."""
    cycle = n % 10
    if cycle < 1 + provider_rank % 3:
        return "silent"  # deemed agreed by the sweep (GZ 26)
    if cycle == 7:
        return "refused"
    if cycle == 8 and provider_rank % 2:
        return "withdrawn"
    return "approved"


def load(session: Session, *, depts: dict[str, Department], today: date) -> dict[str, int]:
    """Creates the past applications; returns how many ended in each way."""
    offers = offers_to_apply_for(session)
    consumers = [c for c in CONSUMERS if c[0] in depts]
    if not offers or not consumers:
        return {}
    cal = WorkingCalendar(session)
    sweep = Actor.system()
    ranks = {pid: rank for rank, pid in enumerate(sorted({o.provider_id for o in offers}))}
    counts: dict[str, int] = {}
    n = 0
    # From January of the previous year up to two months ago (the recent cases are demo_sharing's).
    for index in range((today.year - 1) * 12, today.year * 12 + today.month - 3):
        year, month = divmod(index, 12)
        first = date(year, month + 1, 1)
        back = today.year * 12 + today.month - index
        for k in range(PER_MONTH):
            n += 1
            offer = offers[(n * 7 + back) % len(offers)]
            day = cal.add(first - timedelta(days=1), 1 + (k * 2) % 15)
            fate = _fate(ranks[offer.provider_id], n)
            _one(session, offer, consumers, depts, day=day, n=n, fate=fate, cal=cal, sweep=sweep)
            counts[fate] = counts.get(fate, 0) + 1
    return counts


def _one(
    session: Session,
    offer: Offer,
    consumers: list[tuple[str, str, str, str]],
    depts: dict[str, Department],
    *,
    day: date,
    n: int,
    fate: str,
    cal: WorkingCalendar,
    sweep: Actor,
) -> None:
    code, user, matter, purpose = consumers[n % len(consumers)]
    if depts[code].id == offer.provider_id:
        code, user, matter, purpose = consumers[(n + 1) % len(consumers)]
    consumer = depts[code]
    staff = person(user, consumer, "staff")
    provider = next(d for d in depts.values() if d.id == offer.provider_id)
    officer = person("数据管理员", provider, "data_officer")
    application = applications.submit(
        session,
        actor=staff,
        resource_id=offer.resource_id,
        purpose_text=f"{purpose}（{day:%Y年%m月}）",
        legal_basis="《广州市政务信息共享管理规定》第二十五条、第二十六条",
        purposes=[matter],
        items=offer.items,
        expected_volume=f"每月约 {50 + 10 * (n % 9)} 人次",
        period_from=day,
        period_until=day + timedelta(days=180),
        involves_secret_or_privacy=False,
        today=day,
    )
    answer_day = cal.add(day, 1 + n % 4)
    if fate == "approved":
        applications.approve(
            session, actor=officer, application_id=application.id, today=answer_day
        )
        applications.mark_delivered(
            session, actor=officer, application_id=application.id, today=cal.add(answer_day, 2)
        )
    elif fate == "refused":
        applications.refuse(
            session,
            actor=officer,
            application_id=application.id,
            reason=REFUSALS[n % len(REFUSALS)],
            today=answer_day,
        )
    elif fate == "withdrawn":
        applications.withdraw(session, actor=staff, application_id=application.id, today=day)
    else:  # silent: the sweep of the day after the deadline deems it agreed
        assert application.due_on is not None
        application_rules.apply_silence(
            session, today=application.due_on + timedelta(days=1), actor=sweep
        )
