"""Connected-data load benchmark: a validated, hashed, encrypted, versioned load vs a bare bulk insert.

    python bench/load_bench.py [--url URL] [--n 1000000] [--ratio-n 100000] [--profile]

1. Bulk load (parse CSV, validate every value and identity number, blind index, encrypt
   subject and payload, digest, history look-up, COPY/executemany) as a fraction of a bare
   bulk insert of the same final rows into the same table in one transaction (one COPY on
   PostgreSQL, one executemany on SQLite). Target >= 0.5.
2. Load rate of an --n record file (default 1,000,000) as a fraction of the rate of a
   10,000 record file (target >= 0.8), and the rate of a 10,000-row update into the large
   resource (every row looked up against the existing versions) against the same base.

Without --url it works in a temporary SQLite file; with a PostgreSQL URL it creates and
drops a scratch database (needs CREATEDB). Keys go to a temporary folder.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import hashlib
import os
import pstats
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from govshare.db import make_engine, make_session_factory, transaction

sys.path.insert(0, str(Path(__file__).resolve().parent))
from audit_bench import scratch_database

REGIONS = ("440103", "440104", "440105", "440106", "440111", "440112")  # valid from 1985 on
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
MARITAL = ("未婚", "已婚", "离婚", "丧偶")
STREETS = ("天河路", "中山大道", "环市东路", "江南大道", "广州大道", "黄埔大道")
ITEMS = [
    {
        "name": "公民身份号码",
        "name_en": "id_number",
        "data_type": "string",
        "length": 18,
        "is_subject_key": True,
    },
    {"name": "姓名", "name_en": "name", "data_type": "string", "length": 50},
    {"name": "性别", "name_en": "sex", "data_type": "string", "length": 2},
    {"name": "出生日期", "name_en": "birth_date", "data_type": "date"},
    {"name": "婚姻状况", "name_en": "marital_status", "data_type": "string", "length": 10},
    {"name": "户籍地址", "name_en": "address", "data_type": "string", "length": 100},
    {"name": "登记日期", "name_en": "registered_on", "data_type": "date"},
]
BASE = 10_000


def identity_number(n: int) -> tuple[str, date]:
    """The n-th synthetic resident identity number (valid district, birth date and check digit)."""
    from stdnum.cn import ric

    born = date(1985, 1, 1) + timedelta(days=(n // 1000) % 9000)
    region = REGIONS[(n // (1000 * 9000)) % len(REGIONS)]
    body = f"{region}{born:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0"), born


def person(n: int, *, changed: bool = False) -> list[str]:
    number, born = identity_number(n)
    name = (
        SURNAMES[n % len(SURNAMES)] + GIVEN[(n // 7) % len(GIVEN)] + GIVEN[(n // 131) % len(GIVEN)]
    )
    sex = "男" if int(number[16]) % 2 else "女"
    marital = MARITAL[(n + changed) % len(MARITAL)]
    address = f"广州市{STREETS[n % len(STREETS)]}{n % 997 + 1}号{n % 31 + 1}01房"
    registered = date(2000, 1, 1) + timedelta(days=n % 8000)
    return [number, name, sex, born.isoformat(), marital, address, registered.isoformat()]


def write_csv(path: Path, start: int, n: int, *, changed: bool = False) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([i["name"] for i in ITEMS])
        for k in range(start, start + n):
            out.writerow(person(k, changed=changed))
    return path


def new_resource(session: Session, department_id: int) -> int:
    from govshare.catalogue import service as catalogue
    from govshare.catalogue.schemas import ResourceIn
    from govshare.kit.actor import Actor

    operator = Actor.operator()
    data = ResourceIn.model_validate(
        {
            "department_id": department_id,
            "name": "户籍人口基本信息",
            "name_en": "Registered residents",
            "catalogue_kind": "departmental",
            "format": "database",
            "subject_key_type": "resident_id",
            "sharing_type": "unconditional",
            "sharing_method": "interface",
            "update_cycle": "daily",
            "items": ITEMS,
        }
    )
    resource = catalogue.create_resource(session, actor=operator, data=data)
    today = date(2026, 11, 2)
    catalogue.submit(session, actor=operator, resource_id=resource.id, today=today)
    catalogue.approve(session, actor=operator, resource_id=resource.id, today=today)
    catalogue.publish(session, actor=operator, resource_ids=[resource.id], today=today)
    return resource.id


def setup(engine: Engine, count: int) -> list[int]:
    from govshare.kit.actor import Actor
    from govshare.kit.demo_codes import make_uscc
    from govshare.orgs import service as orgs
    from govshare.orgs.models import DepartmentKind, Level

    with transaction(make_session_factory(engine)) as session:
        dept = orgs.create_department(
            session,
            actor=Actor.operator(),
            name="广州市公安局",
            name_en="Guangzhou Public Security Bureau",
            code="GZ-PS",
            uscc=make_uscc("440100", 990_001),
            level=Level.MUNICIPAL,
            kind=DepartmentKind.PUBLIC_SECURITY,
        )
        return [new_resource(session, dept.id) for _ in range(count)]


def prepared_rows(resource_id: int, path: Path) -> list[tuple[Any, ...]]:
    """The final rows a load of the file writes (untimed: the input of the bare insert)."""
    from govshare.datastore import parsing, service
    from govshare.datastore.validation import ItemSpec, Validator
    from govshare.kit.crypto import keyring

    ring = keyring()
    validator = Validator([ItemSpec.from_snapshot(i) for i in ITEMS], "resident_id")
    out = []
    for source in parsing.open_file(path):
        row = validator.check(source)
        assert not isinstance(row, list), row
        h = ring.blind_index(row.subject)
        binding = f"{resource_id}:{h}".encode()
        data = service.canonical_json(row.payload).encode()
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        subject_enc = ring.encrypt(row.subject.encode(), aad=binding)
        out.append((h, 1, subject_enc, None, ring.encrypt(data, aad=binding), digest, False))
    return out


def bare_insert(engine: Engine, resource_id: int, rows: list[tuple[Any, ...]]) -> float:
    """One bulk write of the final rows, with everything a load writes beside them (a Load row to refer to)."""
    from govshare.catalogue.models import Resource
    from govshare.datastore import service
    from govshare.datastore.models import Load
    from govshare.db import utcnow

    with transaction(make_session_factory(engine)) as session:
        department_id = session.get(Resource, resource_id).department_id  # type: ignore[union-attr]
    start = time.perf_counter()
    with transaction(make_session_factory(engine)) as session:
        job = Load(
            resource_id=resource_id,
            department_id=department_id,
            actor_name="bench",
            method="bench",
            status="loaded",
            problems=[],
        )
        session.add(job)
        session.flush()
        write = service.BulkWriter(
            session,
            resource_id=resource_id,
            load_id=job.id,
            recorded_at=utcnow(),
            changed_by="operator",
            reason="",
        )
        write(rows)
    return time.perf_counter() - start


def core_insert(engine: Engine, resource_id: int, rows: list[tuple[Any, ...]]) -> float:
    """The same rows through SQLAlchemy Core, a list of dicts in one executemany (for comparison only)."""
    from sqlalchemy import insert

    from govshare.datastore import service
    from govshare.datastore.models import RecordVersion
    from govshare.db import utcnow

    now = utcnow()
    start = time.perf_counter()
    with transaction(make_session_factory(engine)) as session:
        dicts = [
            {
                **dict(zip(service.ROW_COLUMNS, row, strict=True)),
                "resource_id": resource_id,
                "recorded_at": now,
                "changed_by": "operator",
                "reason": "",
            }
            for row in rows
        ]
        session.execute(insert(RecordVersion.__table__), dicts)
    return time.perf_counter() - start


def timed_load(
    engine: Engine, resource_id: int, path: Path, profile: bool = False
) -> tuple[float, Any]:
    from govshare.datastore import parsing, service
    from govshare.kit.actor import Actor

    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    with transaction(make_session_factory(engine)) as session, parsing.open_file(path) as source:
        result = service.load(
            session,
            actor=Actor.operator(),
            resource_id=resource_id,
            rows=source,
            method="cli",
        )
        counts = (result.load.rows_written, result.load.rows_unchanged)
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return time.perf_counter() - start, counts


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:>10,.0f} rows/s  ({seconds * 1e6 / n:,.1f} µs each, {n:,} in {seconds:.2f} s)"


def analyse(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("ANALYZE record_version"))
            conn.commit()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="a PostgreSQL server URL (default: a temporary SQLite file)")
    parser.add_argument(
        "--n", type=int, default=1_000_000, help="records of the large load (default 1,000,000)"
    )
    parser.add_argument(
        "--ratio-n",
        type=int,
        default=100_000,
        help="records of the load vs bare insert (default 100,000)",
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the ratio load")
    args = parser.parse_args()
    ratio_n = min(args.ratio_n, args.n)

    with tempfile.TemporaryDirectory(prefix="govshare-load-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        os.environ["GOVSHARE_KEY_DIR"] = str(tmp / "keys")  # never the operator's real keys
        os.environ["GOVSHARE_VAR_DIR"] = str(tmp)
        with scratch_database(args.url, tmp) as url:
            engine = make_engine(url)
            try:
                where = make_url(url).render_as_string()
                print(f"govshare load benchmark on {engine.dialect.name} ({where})")
                rounds = 3
                ids = setup(engine, 3 * rounds + 2)
                small_ids, large_r = ids[2 * rounds : 3 * rounds], ids[-2]
                ratio_file = write_csv(tmp / "ratio.csv", 10_000_000, ratio_n)

                print(
                    f"\n1. Load vs bare bulk insert of the same {ratio_n:,} rows (one transaction each, best of {rounds}):"
                )
                bare_times, load_times = [], []
                bare_cpu, load_cpu = [], []  # this process's CPU seconds (all its threads)
                for k in range(rounds):
                    rows = prepared_rows(ids[2 * k], ratio_file)
                    cpu = time.process_time()
                    bare_times.append(bare_insert(engine, ids[2 * k], rows))
                    bare_cpu.append(time.process_time() - cpu)
                    del rows
                    cpu = time.process_time()
                    load_times.append(
                        timed_load(
                            engine, ids[2 * k + 1], ratio_file, profile=args.profile and k == 0
                        )[0]
                    )
                    load_cpu.append(time.process_time() - cpu)
                bare_s, load_s = min(bare_times), min(load_times)
                rows = prepared_rows(ids[-1], ratio_file)
                core_s = core_insert(engine, ids[-1], rows)
                del rows
                print(
                    f"  bare {'COPY' if engine.dialect.name == 'postgresql' else 'executemany'}  {rate(ratio_n, bare_s)}"
                )
                print(f"  load             {rate(ratio_n, load_s)}")
                print(
                    f"  (for comparison: SQLAlchemy Core executemany of dicts {rate(ratio_n, core_s)})"
                )
                print(
                    f"  ratio: load throughput = {bare_s / load_s:.2f} of the bare insert (target >= 0.5)"
                )
                # Less sensitive to other work on the machine than wall time; on PostgreSQL it
                # leaves out the server's share, so there the wall-time ratio is the figure.
                print(
                    f"  (CPU of this process, best of {rounds}: bare {min(bare_cpu):.2f} s, load "
                    f"{min(load_cpu):.2f} s, ratio {min(bare_cpu) / min(load_cpu):.2f})"
                )

                print(
                    f"\n2. Load rate at {args.n:,} records vs at {BASE:,} (best of {rounds} for the small loads):"
                )
                small = write_csv(tmp / "small.csv", 0, BASE)
                small_s = min(timed_load(engine, r, small)[0] for r in small_ids)
                large = write_csv(tmp / "large.csv", 20_000_000, args.n)
                large_s, _ = timed_load(engine, large_r, large)
                analyse(engine)
                update_times = []
                changes = min(BASE, args.n // rounds)
                for k in range(rounds):  # disjoint slices, each row a change
                    update = write_csv(
                        tmp / f"update{k}.csv", 20_000_000 + k * changes, changes, changed=True
                    )
                    seconds, counts = timed_load(engine, large_r, update)
                    assert counts == (changes, 0), counts
                    update_times.append(seconds)
                update_s = min(update_times)
                print(f"  {BASE:>9,} records, new resource        {rate(BASE, small_s)}")
                print(f"  {args.n:>9,} records, new resource        {rate(args.n, large_s)}")
                print(f"  {changes:>9,} changes into the {args.n:,}  {rate(changes, update_s)}")
                print(
                    f"  ratio: rate at {args.n:,} = {(args.n / large_s) / (BASE / small_s):.2f} of the rate at {BASE:,} (target >= 0.8)"
                )
                print(
                    f"  ratio: update into {args.n:,} = {(changes / update_s) / (BASE / small_s):.2f} of the rate at {BASE:,}"
                )
            finally:
                engine.dispose()


if __name__ == "__main__":
    main()
