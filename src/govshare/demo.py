"""The Guangzhou demo: the authority, municipal and district departments, people and log-ins."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from govshare import migrate, runtime
from govshare.audit import service as audit
from govshare.calendar import service as calendar
from govshare.db import Base, transaction
from govshare.kit.actor import Actor
from govshare.kit.demo_codes import make_uscc
from govshare.kit.errors import Conflict
from govshare.orgs import service as orgs
from govshare.orgs.models import Department, DepartmentKind, Level, PersonnelRole, Role

GUANGZHOU = "440100"

# (code, name, English name, kind): the providers GZ 21, 23 and 24 name
MUNICIPAL = [
    (
        "GZ-ZSJ",
        "广州市政务服务数据管理局",
        "Guangzhou Government Service and Data Management Bureau",
        DepartmentKind.AUTHORITY,
    ),
    ("GZ-GAJ", "广州市公安局", "Guangzhou Public Security Bureau", DepartmentKind.PUBLIC_SECURITY),
    (
        "GZ-LSJ",
        "广州市来穗人员服务管理局",
        "Guangzhou Migrant Population Service Bureau",
        DepartmentKind.OTHER,
    ),
    ("GZ-MZJ", "广州市民政局", "Guangzhou Civil Affairs Bureau", DepartmentKind.CIVIL_AFFAIRS),
    ("GZ-WJW", "广州市卫生健康委员会", "Guangzhou Health Commission", DepartmentKind.HEALTH),
    (
        "GZ-RSJ",
        "广州市人力资源和社会保障局",
        "Guangzhou Human Resources and Social Security Bureau",
        DepartmentKind.HR_SOCIAL_SECURITY,
    ),
    ("GZ-JYJ", "广州市教育局", "Guangzhou Education Bureau", DepartmentKind.EDUCATION),
    ("GZ-CL", "广州市残疾人联合会", "Guangzhou Disabled Persons' Federation", DepartmentKind.OTHER),
    (
        "GZ-GJJ",
        "广州住房公积金管理中心",
        "Guangzhou Housing Provident Fund Management Centre",
        DepartmentKind.HOUSING,
    ),
    (
        "GZ-SWJ",
        "国家税务总局广州市税务局",
        "Guangzhou Municipal Tax Service, STA",
        DepartmentKind.TAXATION,
    ),
    (
        "GZ-SCJ",
        "广州市市场监督管理局",
        "Guangzhou Administration for Market Regulation",
        DepartmentKind.MARKET_SUPERVISION,
    ),
    (
        "GZ-GHZY",
        "广州市规划和自然资源局",
        "Guangzhou Planning and Natural Resources Bureau",
        DepartmentKind.NATURAL_RESOURCES,
    ),
    (
        "GZ-STHJ",
        "广州市生态环境局",
        "Guangzhou Ecology and Environment Bureau",
        DepartmentKind.ECOLOGY,
    ),
    ("GZ-SFJ", "广州市司法局", "Guangzhou Justice Bureau", DepartmentKind.JUSTICE),
]

DISTRICTS = [
    (
        "440104",
        "YX",
        "越秀区",
        "Yuexiu District",
        [
            (
                "ZSJ",
                "政务服务数据管理局",
                "Government Service and Data Management Bureau",
                DepartmentKind.GOVERNMENT,
            ),
            ("MZJ", "民政局", "Civil Affairs Bureau", DepartmentKind.CIVIL_AFFAIRS),
            (
                "RSJ",
                "人力资源和社会保障局",
                "Human Resources and Social Security Bureau",
                DepartmentKind.HR_SOCIAL_SECURITY,
            ),
        ],
    ),
    (
        "440106",
        "TH",
        "天河区",
        "Tianhe District",
        [
            (
                "ZSJ",
                "政务服务数据管理局",
                "Government Service and Data Management Bureau",
                DepartmentKind.GOVERNMENT,
            ),
            (
                "SCJ",
                "市场监督管理局",
                "Administration for Market Regulation",
                DepartmentKind.MARKET_SUPERVISION,
            ),
            ("JYJ", "教育局", "Education Bureau", DepartmentKind.EDUCATION),
        ],
    ),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "慧",
]

# (role, user name, password, department code, display name)
LOGINS = [
    (Role.AUTHORITY_ADMIN, "admin", "govshare-admin", "GZ-ZSJ", "陈主任"),
    (Role.AUDITOR, "auditor", "govshare-audit", "GZ-ZSJ", "审计员 林静"),
    (Role.DATA_OFFICER, "police.officer", "govshare-officer", "GZ-GAJ", "公安局数据管理员 黄伟"),
    (Role.DATA_OFFICER, "civil.officer", "govshare-officer", "GZ-MZJ", "民政局数据管理员 刘芳"),
    (Role.STAFF, "hr.staff", "govshare-staff1", "GZ-RSJ", "人社局工作人员 张敏"),
    (Role.STAFF, "yx.staff", "govshare-staff2", "YX-MZJ", "越秀区民政局 周杰"),
]


def _person_name(i: int) -> str:
    return SURNAMES[i * 7 % len(SURNAMES)] + GIVEN[i * 3 % len(GIVEN)]


def create_departments(session: Session, *, actor: Actor) -> dict[str, Department]:
    """The authority, the municipal departments GZ 21, 23 and 24 name, and two districts' departments, by code."""
    depts: dict[str, Department] = {}
    for i, (code, name, name_en, kind) in enumerate(MUNICIPAL, start=1):
        depts[code] = orgs.create_department(
            session,
            actor=actor,
            name=name,
            name_en=name_en,
            code=code,
            uscc=make_uscc(GUANGZHOU, 10_000 + i),
            level=Level.MUNICIPAL,
            kind=kind,
            is_authority=kind == DepartmentKind.AUTHORITY,
            region="广州市",
        )
    for region, prefix, dname, dname_en, members in DISTRICTS:
        parent = depts["GZ-ZSJ"]
        for j, (code, name, name_en, kind) in enumerate(members, start=1):
            dept = orgs.create_department(
                session,
                actor=actor,
                name=f"广州市{dname}{name}",
                name_en=f"{dname_en} {name_en}",
                code=f"{prefix}-{code}",
                uscc=make_uscc(region, 20_000 + j),
                level=Level.DISTRICT,
                kind=kind,
                parent_id=parent.id,
                region=dname,
            )
            depts[dept.code] = dept
            if code == "ZSJ":
                parent = dept
    return depts


def reset_database(url: str, *, force: bool) -> None:
    """Drops the demo database's contents when asked; refuses to touch a database with data otherwise."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        path = Path(parsed.database)
        if path.exists():
            if not force:
                raise Conflict(f"{path} exists; pass --force to replace it", code="database_exists")
            runtime.reset()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    eng = runtime.engine(url)
    if inspect(eng).get_table_names():
        if not force:
            raise Conflict(
                "the database has tables; pass --force to replace them", code="database_exists"
            )
        with eng.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def create(
    url: str,
    *,
    force: bool = False,
    today: date | None = None,
    people: int | None = None,
    organisations: int | None = None,
) -> list[tuple[str, str, str, str]]:
    """Builds the demo and returns the log-ins (role, user name, password, department).

    The connected data holds `people` and `organisations` (default: `demo_data.sizes()`).
    """
    reset_database(url, force=force)
    migrate.upgrade(url=url)
    today = today or date.today()
    actor = Actor.operator("demo")
    with transaction(runtime.session_factory(url)) as session:
        depts = create_departments(session, actor=actor)

        n = 0
        for code, dept in depts.items():
            for post in (
                PersonnelRole.FIRST_RESPONSIBLE,
                PersonnelRole.DATA_ADMINISTRATOR,
                PersonnelRole.SHARING_CONTACT,
            ):
                n += 1
                started = today - timedelta(days=200 + n)
                orgs.file_person(
                    session,
                    actor=actor,
                    department_id=dept.id,
                    post=post,
                    name=_person_name(n),
                    started_on=started,
                    today=calendar.add_working_days(session, started, 2),
                    position={
                        "first_responsible": "副局长",
                        "data_administrator": "信息中心主任",
                        "sharing_contact": "科员",
                    }[post],
                    phone=f"020-8{n:03d}{n * 37 % 10000:04d}",
                    email=f"contact{n}@{code.lower()}.gz.gov.cn",
                )
        # One late filing and one post left vacant, so the registry and the sweep have something to show.
        civil = depts["GZ-MZJ"]
        changed = today - timedelta(days=30)
        orgs.file_person(
            session,
            actor=actor,
            department_id=civil.id,
            post=PersonnelRole.DATA_ADMINISTRATOR,
            name="郑晓明",
            started_on=changed,
            today=today - timedelta(days=5),
            position="信息科科长",
            phone="020-83331234",
            email="zhengxm@gz-mzj.gz.gov.cn",
        )
        health_admin = next(
            p
            for p in orgs.registry(session, department_id=depts["GZ-WJW"].id)
            if p.post == PersonnelRole.DATA_ADMINISTRATOR
        )
        orgs.end_person(
            session,
            actor=actor,
            person_id=health_admin.id,
            ended_on=today - timedelta(days=20),
            today=today - timedelta(days=20),
        )

        logins = []
        for role, username, password, code, display in LOGINS:
            orgs.create_user(
                session,
                actor=actor,
                username=username,
                password=password,
                role=role,
                department_id=depts[code].id,
                display_name=display,
            )
            logins.append((str(role), username, password, depts[code].name))
        from govshare import demo_catalogue

        demo_catalogue.load(session, depts=depts, today=today)
        audit.checkpoint(session)
    from govshare import demo_data
    from govshare.jobs import service as jobs

    demo_data.load(runtime.session_factory(url), today=today, people_n=people, orgs_n=organisations)
    from govshare import demo_history, demo_sharing

    with transaction(runtime.session_factory(url)) as session:
        depts = {d.code: d for d in orgs.list_departments(session, per_page=200).items}
        demo_sharing.link_sources(session, today=today)
        demo_history.load(session, depts=depts, today=today)
        demo_sharing.load(session, depts=depts, today=today)
    from govshare import (
        demo_annual,
        demo_complaints,
        demo_evaluation,
        demo_materials,
        demo_rectification,
        demo_verification,
    )

    # Supervision cases in every state; the evaluation reads them all, the annual reports read it.
    for module in (
        demo_verification,
        demo_complaints,
        demo_rectification,
        demo_materials,
        demo_evaluation,
        demo_annual,
    ):
        with transaction(runtime.session_factory(url)) as session:
            module.load(session, depts=depts, today=today)
    jobs.tick(runtime.session_factory(url), today=today)
    return logins
