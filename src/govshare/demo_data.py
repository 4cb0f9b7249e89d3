"""The demo's connected data: synthetic but valid people and organisations of Guangzhou, loaded for real.

People have resident identity numbers with correct check digits, region codes valid in their
year of birth (GB/T 2260 as python-stdnum knows it) and birth dates that match; organisations
have unified social credit codes with correct check digits. Names come from common surnames
and given-name characters; addresses lie in Guangzhou's 11 districts, on real streets.
Everything is drawn from a seeded generator, so two demos hold the same data.

Each published resource keyed by identity number or credit code gets the records of its
subjects (household registration: everybody; identity cards: half; other resources: a share),
through the production load path (`datastore.service.load`: validation, blind index,
encryption, history, audit). On top of that:

* stale resources: a few resources were last updated long before their declared cycle allows
  (their connections say so), for the freshness sweep to flag (GZ 19; ZS 18; JS 15);
* divergences: where two providers declare the same data item, a handful of subjects carry
  different values (`DIVERGENCES`), for one data, one source (ZS 17; JS 11).

Sizes: `GOVSHARE_DEMO_PEOPLE` (default 100,000) and `GOVSHARE_DEMO_ORGS` (default 20,000).
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from time import perf_counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from stdnum import numdb
from stdnum.cn import ric, uscc

from govshare.catalogue.models import DirectoryEntry, Resource
from govshare.datastore import service as datastore
from govshare.datastore.models import Connection
from govshare.datastore.parsing import SourceRow
from govshare.db import transaction
from govshare.kit.actor import Actor
from govshare.orgs.models import Department


def _words(text: str) -> list[str]:
    return text.split()


SEED = 20261122
PEOPLE = 100_000
ORGS = 20_000

# Guangzhou's 11 districts: (current code, name, streets)
DISTRICTS = [
    ("440103", "荔湾区", ("中山七路", "龙津西路", "芳村大道", "花地大道", "康王中路", "多宝路")),
    ("440104", "越秀区", ("环市东路", "东风中路", "北京路", "中山五路", "解放北路", "农林下路")),
    ("440105", "海珠区", ("江南大道", "新港中路", "工业大道", "宝岗大道", "昌岗中路", "滨江东路")),
    (
        "440106",
        "天河区",
        ("天河路", "黄埔大道西", "体育西路", "天河北路", "中山大道西", "林和西路"),
    ),
    ("440111", "白云区", ("白云大道", "机场路", "广园中路", "同和路", "齐富路", "嘉禾路")),
    ("440112", "黄埔区", ("黄埔东路", "开创大道", "科学大道", "香雪大道", "开发大道", "丰乐北路")),
    (
        "440113",
        "番禺区",
        ("市桥大道", "番禺大道", "迎宾路", "清河东路", "兴南大道", "大学城中环西路"),
    ),
    ("440114", "花都区", ("新华路", "迎宾大道", "凤凰北路", "天贵路", "秀全大道", "公益路")),
    ("440115", "南沙区", ("进港大道", "凤凰大道", "黄阁大道", "环市大道", "蕉门路", "港前大道")),
    ("440117", "从化区", ("河滨南路", "街口大道", "新城东路", "青云路", "江埔路", "中田路")),
    ("440118", "增城区", ("荔城大道", "增城大道", "新塘大道", "府佑路", "挂绿路", "光明西路")),
]
# Region codes of the area over time (python-stdnum checks each against the year of birth).
REGION_CODES = _words(
    "440102 440103 440104 440105 440106 440107 440111 440112 440113 440114 440115 440116 440117 440118 440121 440122 440125 440126 440181 440183 440184"
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余叶杜苏魏程吕丁沈钟卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧建国志文红玉兰嘉欣子轩浩宇梓涵俊杰雨晴诗婷家豪晓燕健斌丹婉锦荣永坤佩仪"
ETHNIC = ("01",) * 40 + ("08", "03", "06", "12", "15")  # GB 3304: mostly Han; Zhuang, Hui, Miao...
TRADE = _words(
    "恒泰 华兴 粤海 穗通 广信 联创 汇丰 东方 南粤 宏达 金穗 中天 云山 珠江 羊城 新城 瑞丰 盛世 嘉禾 骏业"
)
INDUSTRY = _words(
    "科技 贸易 餐饮 物流 建筑工程 信息技术 商贸 文化传播 医药 电子 实业 设计 教育咨询 物业管理 服装"
)
SCOPES = _words(
    "技术开发 技术咨询 货物进出口 日用品销售 餐饮服务 道路货物运输 软件开发 广告设计 物业管理"
)


@dataclass(frozen=True, slots=True)
class Person:
    number: str
    name: str
    sex: str  # GB/T 2261.1: 1 male, 2 female
    born: date
    district: str
    address: str
    ethnic: str


@dataclass(frozen=True, slots=True)
class Org:
    code: str
    name: str
    kind: str  # the code's registering department and type: 91 enterprise, 92 sole trader, 51 social, 12 institution
    representative: str
    district: str
    address: str
    founded: date
    capital: str


def sizes() -> tuple[int, int]:
    """People and organisations to generate (the environment may ask for fewer, e.g. in tests)."""
    return int(os.environ.get("GOVSHARE_DEMO_PEOPLE", PEOPLE)), int(
        os.environ.get("GOVSHARE_DEMO_ORGS", ORGS)
    )


@cache
def _codes_for(year: int) -> tuple[str, ...]:
    """The region codes python-stdnum accepts for a person born in `year`."""
    db = numdb.get("cn/loc")
    out = []
    for code in REGION_CODES:
        info = {k: v for _, props in db.info(code) for k, v in props.items()}
        for county in info.get("county", "").split(","):
            start, _, end = county[1:].partition("]")[0].partition("-")
            if (not start or year >= int(start)) and (not end or year <= int(end)):
                out.append(code)
                break
    return tuple(out)


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _address(rng: random.Random, district: str | None = None) -> tuple[str, str]:
    _, name, streets = next((d for d in DISTRICTS if d[1] == district), None) or rng.choice(
        DISTRICTS
    )
    district = name
    where = f"广州市{district}{rng.choice(streets)}{rng.randint(1, 999)}号"
    if rng.random() < 0.8:
        where += f"{rng.randint(1, 30)}栋{rng.randint(1, 33)}{rng.randint(1, 8):02d}房"
    return district, where


def people(n: int, *, seed: int = SEED) -> list[Person]:
    """`n` distinct people with valid resident identity numbers."""
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[Person] = []
    epoch = date(1940, 1, 1).toordinal()
    span = date(2023, 12, 31).toordinal() - epoch
    while len(out) < n:
        born = date.fromordinal(epoch + rng.randrange(span))
        sex = "1" if rng.random() < 0.5 else "2"
        serial = rng.randrange(500) * 2 + (1 if sex == "1" else 0)  # odd: male, even: female
        body = f"{rng.choice(_codes_for(born.year))}{born:%Y%m%d}{serial:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number in seen:
            continue
        seen.add(number)
        district, where = _address(rng)
        out.append(Person(number, _name(rng), sex, born, district, where, rng.choice(ETHNIC)))
    return out


def organisations(n: int, *, seed: int = SEED) -> list[Org]:
    """`n` organisations with valid unified social credit codes."""
    rng = random.Random(seed + 1)
    out: list[Org] = []
    names: set[str] = set()
    epoch = date(1992, 1, 1).toordinal()
    span = date(2025, 12, 31).toordinal() - epoch
    for _ in range(n):
        region, district, _ = DISTRICTS[rng.randrange(len(DISTRICTS))]
        roll = rng.random()
        kind = "91" if roll < 0.85 else "92" if roll < 0.93 else "51" if roll < 0.97 else "12"
        org_code = f"{rng.randrange(10**7, 10**8)}"
        org_code += _org_check(org_code)
        body = f"{kind}{region}{org_code}"
        code = body + uscc.calc_check_digit(body)
        name = ""
        while not name or name in names:
            trade = "".join(rng.sample(TRADE, 1 if rng.random() < 0.6 else 2))
            industry = INDUSTRY[rng.randrange(len(INDUSTRY))]
            name = {
                "91": f"广州{'市' + district if rng.random() < 0.3 else ''}{trade}{industry}有限公司",
                "92": f"广州市{district}{trade}{industry}商行",
                "51": f"广州市{trade}{industry}协会",
                "12": f"广州市{district}{trade}{industry}服务中心",
            }[kind]
        names.add(name)
        _, where = _address(rng, district)
        founded = date.fromordinal(epoch + rng.randrange(span))
        capital = f"{rng.randint(1, 5000) * 10}.00"
        out.append(Org(code, name, kind, _name(rng), district, where, founded, capital))
    return out


def _org_check(digits: str) -> str:
    """The check character of a GB 11714 organisation code (the 9th character of the body)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    c = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


# --- values per data item ------------------------------------------------------------------------


class _Values:
    """A value for every published data item, derived from the subject and a per-resource generator."""

    def __init__(
        self,
        rng: random.Random,
        everyone: list[Person],
        orgs: list[Org],
        *,
        today: date,
        agency: str,
    ) -> None:
        self.rng, self.everyone, self.orgs, self.today = rng, everyone, orgs, today
        self.agency = agency  # the providing department: registration and issuing authority

    def day(self, after: date, *, future: bool = False) -> str:
        if future:
            return (self.today + timedelta(days=self.rng.randint(30, 3650))).isoformat()
        start = max(after, date(1990, 1, 1)).toordinal()
        end = max(start + 1, self.today.toordinal() - 1)
        return date.fromordinal(self.rng.randrange(start, end)).isoformat()

    def value(self, item: dict[str, Any], subject: Person | Org) -> str:
        name, dtype, length = item["name"], item.get("data_type"), item.get("length") or 0
        rng = self.rng
        person = subject if isinstance(subject, Person) else None
        org = subject if isinstance(subject, Org) else None
        since = person.born + timedelta(days=18 * 365) if person else org.founded  # type: ignore[union-attr]
        if dtype == "date":
            if name == "出生日期" and person:
                return person.born.isoformat()
            if name in ("成立日期", "赋码日期", "成立登记日期", "注册日期") and org:
                return org.founded.isoformat()
            return self.day(min(since, self.today), future="有效期截止" in name or "结束" in name)
        if dtype == "datetime":
            return datetime.combine(date.fromisoformat(self.day(since)), time(9, 30)).isoformat()
        if dtype == "boolean":
            return "是" if rng.random() < 0.3 else "否"
        if dtype == "integer":
            return str(rng.randint(2015, 2025) if length == 4 else rng.randint(0, 12))
        if dtype == "decimal":
            whole = max(1, min(6, (length or 10) - 2))
            return f"{rng.randint(0, 10**whole - 1)}.{rng.randint(0, 99):02d}"
        text = self.text(name, length, person, org)
        return text[:length] if length else text

    def text(self, name: str, length: int, person: Person | None, org: Org | None) -> str:
        rng = self.rng
        if person:
            fixed = {"姓名": person.name, "性别": person.sex, "民族": person.ethnic}
            if name in fixed:
                return fixed[name]
            if name in ("户籍地址", "住址"):
                return person.address
        if org:
            if name.endswith("名称") and name != "统计报表名称":
                return org.name
            if name in ("法定代表人", "经营者姓名"):
                return org.representative
            if name in ("住所", "经营场所", "生产经营地址", "地址", "办学地址", "生产经营场所地址"):
                return org.address
        if name == "身份证件类型":
            return "01"
        if name == "信用等级":
            return rng.choice("AABBMCD")
        if name.endswith("公民身份号码"):
            return rng.choice(self.everyone).number
        if name.endswith("统一社会信用代码"):
            return rng.choice(self.orgs).code
        if name.endswith("姓名") or name in ("签约家庭医生", "填报人"):
            return _name(rng)
        if name.endswith("行政区划代码"):
            return rng.choice(DISTRICTS)[0]
        if name.endswith(("街道", "司法所")):
            _, district, streets = rng.choice(DISTRICTS)
            office = "司法所" if name.endswith("司法所") else "街道办事处"
            return f"广州市{district}{rng.choice(streets)[:2]}{office}"
        if name.endswith(("机关", "部门", "登记机构", "业务主管单位")):
            return self.agency
        if name.endswith(("地址", "坐落", "场所")):
            return _address(rng)[1]
        if name.endswith(("名称", "机构", "学校", "举办者", "举办单位")):
            return rng.choice(self.orgs).name
        if name.endswith(("年月", "所属期", "报告期")):
            return f"{self.today.year - 1}{rng.randint(1, 12):02d}"
        if (
            name.endswith(("范围", "项目", "科目", "类别", "史", "事由", "内容", "依据"))
            and length > 10
        ):
            return ";".join(rng.sample(SCOPES, 3))
        if length and length <= 3:
            return f"{rng.randint(1, 9):0{length}d}"
        if name.endswith(("号", "编号", "号码", "账号", "证号", "编码", "字号", "标识码")):
            return "".join(str(rng.randrange(10)) for _ in range(min(length or 12, 18)))
        return f"{name}{rng.randint(1, 99)}"


# --- what the demo loads ----------------------------------------------------------------------

# Share of the subjects each resource holds (those not named: 3% of people, 10% of organisations).
SHARES = {
    "户籍登记信息": 1.0,
    "居民身份证电子证照信息": 0.5,
    "社会保险参保信息": 0.2,
    "住房公积金缴存信息": 0.15,
    "婚姻登记信息": 0.1,
    "来穗人员居住登记信息": 0.05,
    "企业登记信息": 1.0,
    "法人和其他组织统一社会信用代码信息": 1.0,
    "企业税务登记信息": 1.0,
    "个体工商户登记信息": 1.0,
    "社会组织登记信息": 1.0,
    "事业单位登记信息": 1.0,
}
# The ages (years) of the people a personal resource is about; others: adults of 20 and over.
AGES = {
    "户籍登记信息": (0, 120),
    "居民身份证电子证照信息": (16, 120),
    "学籍信息": (6, 18),
    "指定监护信息": (0, 120),
    "死亡登记信息": (0, 120),
}
# Which organisations a resource is about (by the code's type); others: any.
KINDS = {
    "企业登记信息": {"91"},
    "企业税务登记信息": {"91"},
    "个体工商户登记信息": {"92"},
    "社会组织登记信息": {"51"},
    "事业单位登记信息": {"12"},
}
# (resource, item, reference resource): subjects whose value there differs from the reference.
DIVERGENCES = [
    ("婚姻登记信息", "姓名", "户籍登记信息"),
    ("社会保险参保信息", "姓名", "户籍登记信息"),
    ("企业税务登记信息", "法定代表人", "企业登记信息"),
]
DIVERGENT_SUBJECTS = 5
# Resources whose last update is long past their cycle: days before today.
STALE = {
    "学历信息": 150,
    "住房公积金单位登记信息": 120,
    "排污许可信息": 40,
    "个人所得税纳税信息": 95,
}


def _diverge(value: str, rng: random.Random) -> str:
    """A plausible wrong value: one character of a name replaced."""
    swap = rng.choice([c for c in GIVEN if c not in value])
    return value[:-1] + swap if len(value) > 1 else swap


def _rows(
    snap: dict[str, Any], subjects: list[Any], values: _Values, divergent: str | None
) -> Iterator[SourceRow]:
    items = snap.get("items", [])
    for n, subject in enumerate(subjects, start=1):
        row: dict[str, Any] = {}
        for item in items:
            if item.get("is_subject_key"):
                row[item["name"]] = subject.number if isinstance(subject, Person) else subject.code
            else:
                row[item["name"]] = values.value(item, subject)
        if divergent is not None and n <= DIVERGENT_SUBJECTS:
            row[divergent] = _diverge(row[divergent], values.rng)
        yield SourceRow(number=n, values=row)


def _published(session: Session) -> list[tuple[int, str, str, dict[str, Any]]]:
    """The published resources keyed by identity number or credit code: id, name, provider, snapshot."""
    stmt = (
        select(Resource.id, Resource.name, Department.name, DirectoryEntry.snapshot)
        .join(DirectoryEntry, DirectoryEntry.resource_id == Resource.id)
        .join(Department, Department.id == Resource.department_id)
        .where(Resource.subject_key_type.in_(("resident_id", "credit_code")))
        .order_by(Resource.id)
    )
    return [(rid, name, dept, snap) for rid, name, dept, snap in session.execute(stmt)]


def load(
    factory: sessionmaker[Session],
    *,
    today: date,
    people_n: int | None = None,
    orgs_n: int | None = None,
    say: Callable[[str], None] = print,
) -> dict[str, int]:
    """Generates and loads the demo's records; returns the records loaded per resource name."""
    started = perf_counter()
    default_people, default_orgs = sizes()
    everyone = people(default_people if people_n is None else people_n)
    orgs = organisations(default_orgs if orgs_n is None else orgs_n)
    say(f"Demo data: {len(everyone):,} people, {len(orgs):,} organisations")
    actor = Actor.operator("demo")
    with transaction(factory) as session:
        published = _published(session)
    loaded: dict[str, int] = {}
    divergent = {resource: item for resource, item, _ in DIVERGENCES}
    for k, (resource_id, name, provider, snap) in enumerate(published):
        rng = random.Random(f"{SEED}:{name}")
        personal = snap.get("subject_key_type") == "resident_id"
        if personal:  # by age: pupils are 6 to 18, most other records are about adults
            youngest, oldest = AGES.get(name, (20, 120))
            pool: list[Any] = [
                p for p in everyone if youngest <= (today - p.born).days // 365 <= oldest
            ]
        else:
            pool = [o for o in orgs if o.kind in KINDS.get(name, {o.kind})]
        share = SHARES.get(name, 0.03 if personal else 0.1)
        subjects = pool if share >= 1 else rng.sample(pool, max(1, int(len(pool) * share)))
        if not subjects:
            continue
        values = _Values(rng, everyone, orgs, today=today, agency=provider)
        updated = today - timedelta(days=STALE.get(name, 0))
        with transaction(factory) as session:

            def progress(
                done: int, total: int | None, name: str = name, of: int = len(subjects)
            ) -> None:
                if done % 20_000 == 0 and done < of:
                    say(f"  {name}: {done:,} of {of:,}")

            result = datastore.load(
                session,
                actor=actor,
                resource_id=resource_id,
                rows=_rows(snap, subjects, values, divergent.get(name)),
                method="cli",
                filename=f"demo-{k + 1:02d}.csv",
                today=updated,
                progress=progress,
            )
            if name in STALE:  # last sent long ago (GZ 19; ZS 18)
                connection = session.get(Connection, resource_id)
                assert connection is not None
                sent = datetime.combine(updated, time(18), tzinfo=UTC)
                connection.last_updated_at = sent
                result.load.started_at = result.load.finished_at = sent
        loaded[name] = result.load.rows_written
        say(f"  {name}: {result.load.rows_written:,} records")
    say(f"Demo data: {sum(loaded.values()):,} records loaded in {perf_counter() - started:.0f} s")
    return loaded
