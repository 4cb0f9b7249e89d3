"""Sharing-directory search benchmark: directory.search latency (p50 / p95) on N published entries.

    python bench/directory_bench.py [--url URL] [--n 50000] [--repeat 30]

Without --url it works in a temporary SQLite file. With a PostgreSQL URL it creates a scratch
database on that server (needs CREATEDB) and drops it afterwards. The entries are generated from
parts (户籍 / 婚姻 / 社会保险 / 企业 / 不动产 … × 登记 / 变更 / 缴费 … × 信息 / 证明 / 记录 …, with
district prefixes, departments and data items) and bulk-inserted with their index rows. Each
latency is reported as a ratio to a bare primary-key lookup of a directory entry in the same run,
so that a change of hardware does not hide a change of the code.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from govshare import migrate
from govshare.catalogue import directory
from govshare.catalogue.models import DirectoryEntry, Resource
from govshare.db import make_engine, make_session_factory, transaction
from govshare.kit.demo_codes import make_uscc
from govshare.orgs.models import Department

BATCH = 5_000
SEED = 20261122

# (bureau, English name, the subjects it provides)
BUREAUS = [
    ("公安局", "Public Security Bureau", ["户籍", "居住证", "流动人口", "机动车", "驾驶证"]),
    ("民政局", "Civil Affairs Bureau", ["婚姻", "社会组织", "殡葬", "最低生活保障", "特困人员"]),
    (
        "人力资源和社会保障局",
        "Human Resources and Social Security Bureau",
        ["社会保险", "养老保险", "失业保险", "工伤保险", "职业资格"],
    ),
    ("医疗保障局", "Healthcare Security Bureau", ["医疗保险", "生育保险"]),
    ("税务局", "Taxation Bureau", ["个人所得税", "纳税", "发票"]),
    ("市场监督管理局", "Market Supervision Bureau", ["企业", "个体工商户", "食品经营", "药品"]),
    ("规划和自然资源局", "Planning and Natural Resources Bureau", ["不动产", "土地", "规划"]),
    (
        "住房和城乡建设局",
        "Housing and Urban-Rural Development Bureau",
        ["建设工程", "房屋租赁", "物业"],
    ),
    ("住房公积金管理中心", "Housing Provident Fund Centre", ["住房公积金"]),
    ("教育局", "Education Bureau", ["学籍", "学历", "教师资格"]),
    ("卫生健康委员会", "Health Commission", ["出生", "死亡", "医师执业", "疫苗接种"]),
    ("残疾人联合会", "Disabled Persons' Federation", ["残疾人"]),
    ("司法局", "Justice Bureau", ["律师执业", "公证", "法律援助"]),
    ("交通运输局", "Transport Bureau", ["道路运输", "出租汽车"]),
    ("生态环境局", "Ecology and Environment Bureau", ["排污许可", "环境影响评价"]),
    ("退役军人事务局", "Veterans Affairs Bureau", ["退役军人", "优抚对象"]),
]
SUBJECT_EN = {
    "户籍": "household registration",
    "居住证": "residence permit",
    "流动人口": "floating population",
    "机动车": "motor vehicle",
    "驾驶证": "driving licence",
    "婚姻": "marriage",
    "社会组织": "social organisation",
    "殡葬": "funeral",
    "最低生活保障": "minimum living allowance",
    "特困人员": "destitute persons",
    "社会保险": "social insurance",
    "养老保险": "pension insurance",
    "失业保险": "unemployment insurance",
    "工伤保险": "work injury insurance",
    "职业资格": "vocational qualification",
    "医疗保险": "medical insurance",
    "生育保险": "maternity insurance",
    "个人所得税": "individual income tax",
    "纳税": "tax payment",
    "发票": "invoice",
    "企业": "enterprise",
    "个体工商户": "individual business",
    "食品经营": "food business",
    "药品": "drug",
    "不动产": "real estate",
    "土地": "land",
    "规划": "planning",
    "建设工程": "construction project",
    "房屋租赁": "housing lease",
    "物业": "property management",
    "住房公积金": "housing provident fund",
    "学籍": "student status",
    "学历": "academic qualification",
    "教师资格": "teacher qualification",
    "出生": "birth",
    "死亡": "death",
    "医师执业": "physician practice",
    "疫苗接种": "vaccination",
    "残疾人": "disabled person",
    "律师执业": "lawyer practice",
    "公证": "notarisation",
    "法律援助": "legal aid",
    "道路运输": "road transport",
    "出租汽车": "taxi",
    "排污许可": "pollutant discharge",
    "环境影响评价": "environmental impact assessment",
    "退役军人": "veteran",
    "优抚对象": "entitled group",
}
ACTIONS = [
    ("登记", "registration"),
    ("变更", "change"),
    ("注销", "cancellation"),
    ("缴费", "payment"),
    ("参保", "enrolment"),
    ("审批", "approval"),
    ("许可", "licence"),
    ("备案", "filing"),
    ("核验", "verification"),
    ("认定", "recognition"),
    ("发放", "issuance"),
    ("迁移", "transfer"),
    ("年报", "annual report"),
    ("检查", "inspection"),
    ("处罚", "penalty"),
    ("补贴", "subsidy"),
]
SUFFIXES = [
    ("信息", "information"),
    ("证明", "certificate"),
    ("记录", "records"),
    ("数据", "data"),
    ("清单", "list"),
    ("台账", "ledger"),
    ("名录", "register"),
    ("统计", "statistics"),
]
DISTRICTS = [
    ("", "", "440100"),
    ("越秀区", "Yuexiu ", "440104"),
    ("海珠区", "Haizhu ", "440105"),
    ("天河区", "Tianhe ", "440106"),
    ("白云区", "Baiyun ", "440111"),
    ("番禺区", "Panyu ", "440113"),
]
PERSON_ITEMS = [
    ("公民身份号码", "resident ID number"),
    ("姓名", "name"),
    ("性别", "sex"),
    ("出生日期", "date of birth"),
    ("住址", "address"),
    ("联系电话", "telephone"),
    ("民族", "ethnicity"),
    ("户籍所在地", "place of household registration"),
]
ORG_ITEMS = [
    ("统一社会信用代码", "unified social credit code"),
    ("单位名称", "organisation name"),
    ("法定代表人", "legal representative"),
    ("注册地址", "registered address"),
    ("经营范围", "business scope"),
    ("成立日期", "date of establishment"),
]
COMMON_ITEMS = [
    ("办理日期", "date handled"),
    ("办理机构", "handling office"),
    ("证件编号", "certificate number"),
    ("有效期限", "validity"),
    ("业务状态", "status"),
    ("金额", "amount"),
    ("备注", "remarks"),
]
ORG_SUBJECTS = {
    "企业",
    "个体工商户",
    "社会组织",
    "食品经营",
    "药品",
    "排污许可",
    "建设工程",
    "道路运输",
}
FORMATS = [
    "database",
    "database",
    "database",
    "spreadsheet",
    "service_interface",
    "electronic_file",
]
CYCLES = [
    "real_time",
    "daily",
    "daily",
    "weekly",
    "monthly",
    "monthly",
    "quarterly",
    "yearly",
    "as_needed",
]


@contextmanager
def scratch_database(url: str | None, tmp: Path) -> Iterator[str]:
    """A new, migrated, empty database; dropped afterwards when it is on a server."""
    if url is None or url.startswith("sqlite"):
        target = f"sqlite:///{tmp / 'directory_bench.db'}"
        migrate.upgrade(url=target)
        yield target
        return
    name = f"govshare_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    target = make_url(url).set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url=target)
        yield target
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_departments(session: Session) -> list[tuple[int, str, list[str]]]:
    """Every bureau in the city and in each district: (id, name, subjects)."""
    rows, meta = [], []
    for d, (district, district_en, region) in enumerate(DISTRICTS):
        for b, (bureau, bureau_en, subjects) in enumerate(BUREAUS):
            name = f"{district or '广州市'}{bureau}"
            rows.append(
                {
                    "name": name,
                    "name_en": f"{district_en or 'Guangzhou '}{bureau_en}",
                    "code": f"B-{d}-{b}",
                    "uscc": make_uscc(region, 500 + d * 100 + b),
                    "level": "district" if district else "municipal",
                    "kind": "other",
                    "region": district or "广州市",
                }
            )
            meta.append((name, subjects))
    session.execute(insert(Department), rows)
    ids = {name: id_ for name, id_ in session.execute(select(Department.name, Department.id))}
    return [(ids[name], name, subjects) for name, subjects in meta]


def generate(engine: Engine, n: int) -> None:
    """Inserts n published resources with their directory entries and index rows, in batches."""
    rng = random.Random(SEED)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        departments = make_departments(session)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    kind_class = {"basic": "1", "thematic": "2", "departmental": "3"}
    done = 0
    while done < n:
        resources, entries, texts = [], [], {}
        for _ in range(min(BATCH, n - done)):
            done += 1
            dept_id, dept_name, subjects = rng.choice(departments)
            subject = rng.choice(subjects)
            action, action_en = rng.choice(ACTIONS)
            suffix, suffix_en = rng.choice(SUFFIXES)
            district = next((d for d, _, _ in DISTRICTS if d and dept_name.startswith(d)), "")
            district_en = next((e for d, e, _ in DISTRICTS if d and d == district), "")
            name = f"{district}{subject}{action}{suffix}"
            name_en = f"{district_en}{SUBJECT_EN[subject]} {action_en} {suffix_en}".capitalize()
            org = subject in ORG_SUBJECTS
            kind = rng.choices(["basic", "thematic", "departmental"], [2, 1, 7])[0]
            sharing = rng.choices(["unconditional", "conditional", "none"], [6, 3, 1])[0]
            code = f"{kind_class[kind]}00/{done:06d}"
            picked = rng.sample(ORG_ITEMS if org else PERSON_ITEMS, 3) + rng.sample(COMMON_ITEMS, 3)
            items = [
                {
                    "name": zh,
                    "name_en": en,
                    "data_type": "string",
                    "length": 50,
                    "description": "",
                    "is_subject_key": i == 0,
                    "sharing_type": None,
                }
                for i, (zh, en) in enumerate(picked)
            ]
            row = {
                "code": code,
                "department_id": dept_id,
                "name": name,
                "name_en": name_en,
                "catalogue_kind": kind,
                "format": rng.choice(FORMATS),
                "sharing_type": sharing,
                "update_cycle": rng.choice(CYCLES),
                "open_type": "not_open",
            }
            snapshot = {
                **row,
                "abstract": f"{dept_name}在办理{subject}{action}业务中产生的{suffix}，"
                f"供各部门依职能共享使用。",
                "purposes": f"{subject}相关业务办理",
                "sharing_method": "interface",
                "subject_key_type": "credit_code" if org else "resident_id",
                "department_name": dept_name,
                "items": items,
            }
            resources.append(
                {
                    "id": done,
                    **row,
                    "class_code": code[:3],
                    "subject_key_type": snapshot["subject_key_type"],
                    "sharing_method": "interface",
                    "status": "published",
                    "version": 1,
                    "published_version": 1,
                    "published_on": date(2026, 11, 1),
                    "abstract": snapshot["abstract"],
                    "basic_category": ("legal_person" if org else "natural_person")
                    if kind == "basic"
                    else None,
                }
            )
            texts[done] = directory.search_text(snapshot)
            entries.append(
                {
                    "resource_id": done,
                    "version": 1,
                    **row,
                    "search_text": texts[done],
                    "snapshot": snapshot,
                    "published_at": now,
                }
            )
        with transaction(factory) as session:
            connection = session.connection()  # Core executemany, no ORM unit of work
            connection.execute(insert(Resource.metadata.tables["resource"]), resources)
            connection.execute(insert(DirectoryEntry.metadata.tables["directory_entry"]), entries)
            directory.index_texts(session, texts=texts)
        if done % 50_000 == 0:
            print(f"  ... {done:,} entries", flush=True)


# (label, q, filters)
QUERIES: list[tuple[str, str, dict[str, str | int | None]]] = [
    ("landing page (everything)", "", {}),
    ("2-char Chinese", "户籍", {}),
    ("2-char Chinese, common", "登记", {}),
    ("1 character", "婚", {}),
    ("4-char Chinese", "户籍登记", {}),
    ("6-char Chinese (a name)", "不动产登记信息", {}),
    ("abbreviation", "社保", {}),
    ("abbreviation + word", "社保缴费", {}),
    ("English word", "household", {}),
    ("English phrase", "social security", {}),
    ("mixed", "企业 registration", {}),
    ("Chinese + 2 filters", "登记", {"sharing_type": "conditional", "update_cycle": "daily"}),
    ("English + filter", "marriage", {"format": "database"}),
    ("filters only", "", {"catalogue_kind": "basic", "sharing_type": "unconditional"}),
    ("page 5", "证明", {"__page": 5}),
    ("very common (worst case)", "信息", {}),
]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def sample(fn: Callable[[], Any], repeat: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:8.2f} ms"


def pad(text: str, width: int) -> str:
    """Left-aligns text in a terminal column; a Chinese character takes two cells."""
    cells = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - cells, 0)


def bench_queries(conn: Connection, n: int, repeat: int) -> None:
    pk_stmt = text("SELECT * FROM directory_entry WHERE resource_id = :id")
    rng = random.Random(SEED + 1)

    def lookup() -> None:
        conn.execute(pk_stmt, {"id": rng.randint(1, n)}).fetchall()

    base = sample(lookup, max(repeat * 20, 500), warmup=50)
    base50, base95 = percentile(base, 50), percentile(base, 95)
    print(f"\nBaseline: a bare primary-key lookup of one directory entry, {len(base):,} times")
    print(f"  p50 {ms(base50)}   p95 {ms(base95)}")

    print(
        f"\ndirectory.search (facets + a page of 20 entries), one new ORM session per call, "
        f"{repeat} runs each after 3 warm-ups; ratios to the PK lookup's p50 / p95:"
    )
    print(
        f"  {pad('query', 26)}{pad('q, filters', 44)}{'hits':>7}{'p50':>12}{'p95':>12}"
        f"{'p50 ratio':>11}{'p95 ratio':>11}"
    )
    everything: list[float] = []
    for label, q, filters in QUERIES:
        filters = dict(filters)
        page = int(filters.pop("__page", 1) or 1)

        def run(q: str = q, filters: dict[str, Any] = filters, page: int = page) -> Any:
            with Session(bind=conn) as session:
                return directory.search(session, q=q, filters=filters, page=page, per_page=20)

        hits = run().total
        times = sample(run, repeat)
        everything += times
        p50, p95 = percentile(times, 50), percentile(times, 95)
        shown = " ".join(
            [q or "-", *(f"{k}={v}" for k, v in filters.items())]
            + ([f"page={page}"] if page > 1 else [])
        )
        print(
            f"  {pad(label, 26)}{pad(shown, 44)}{hits:>7,}{ms(p50):>12}{ms(p95):>12}"
            f"{p50 / base50:>10,.0f}x{p95 / base95:>10,.0f}x"
        )
    p50, p95 = percentile(everything, 50), percentile(everything, 95)
    print(
        f"\n  all {len(QUERIES)} queries together: p50 {ms(p50).strip()} = {p50 / base50:,.0f}x the PK "
        f"lookup's p50;  p95 {ms(p95).strip()} = {p95 / base95:,.0f}x the PK lookup's p95"
    )


def bench_like(conn: Connection, repeat: int) -> None:
    """The previous approach (LIKE over search_text, count, 5 facet queries, a page), to compare."""
    conditions = "(' ' || search_text || ' ') LIKE :t1 AND (' ' || search_text || ' ') LIKE :t2"
    params = {"t1": "% 户籍 %", "t2": "% 登记 %"}
    statements = [f"SELECT count(*) FROM directory_entry WHERE {conditions}"]
    statements += [
        f"SELECT {f}, count(*) FROM directory_entry WHERE {conditions} GROUP BY {f}"
        for f in directory.FACETS
    ]
    statements.append(f"SELECT * FROM directory_entry WHERE {conditions} ORDER BY code LIMIT 20")

    def run() -> None:
        for s in statements:
            conn.execute(text(s), params).fetchall()

    times = sample(run, 3, warmup=1)
    print(
        f"\nFor comparison, the previous search (LIKE over search_text; count, 5 facet queries and "
        f"a page) for 户籍登记, 3 runs: "
        f"p50 {ms(percentile(times, 50))}   p95 {ms(percentile(times, 95))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="a PostgreSQL server URL (default: a temporary SQLite file)")
    parser.add_argument("--n", type=int, default=50_000, help="directory entries (default 50,000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per query (default 30)")
    args = parser.parse_args()
    if args.n < 1:
        sys.exit("--n must be at least 1")

    with (
        tempfile.TemporaryDirectory(prefix="govshare-directory-bench-") as tmp_dir,
        scratch_database(args.url, Path(tmp_dir)) as url,
    ):
        engine = make_engine(url)
        try:
            where = make_url(url).render_as_string()  # hides the password
            print(f"govshare directory search benchmark on {engine.dialect.name} ({where})")
            start = time.perf_counter()
            generate(engine, args.n)
            if engine.dialect.name == "postgresql":  # as autovacuum does after a load
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("VACUUM ANALYZE"))
            print(
                f"  setup: {args.n:,} published entries generated, inserted and indexed "
                f"in {time.perf_counter() - start:.1f} s"
            )
            with engine.connect() as conn:
                bench_queries(conn, args.n, args.repeat)
                bench_like(conn, args.repeat)
                conn.rollback()
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()
