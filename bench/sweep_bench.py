"""Sweep benchmark: the application rules over many open items vs one set-based UPDATE.

    python bench/sweep_bench.py [--url URL] [--n 100000] [--due 10000] [--profile guangzhou]

Seeds N submitted applications (spread over the providers and consumers) of which DUE have a
deadline that passed the day before the benchmark's `today` (their consequence applies on
`today`); the others are due later, beyond the reminder window. Then, on a copy of the same data,
it times a single set-based UPDATE of those DUE rows' state (one statement and its commit), and
on the original it times the sweep's application rules for `today`, each rule in its own
transaction as `govshare tick` runs them. Under GZ 26 each due item becomes a deemed consent: a
grant, its audit entries and the notifications of both sides and the authority.

Printed: the seconds of each, items per second, and the sweep's throughput as a fraction of the
UPDATE's (target ≥ 0.25). Without --url it works in a temporary SQLite file; with a PostgreSQL
URL it creates two scratch databases there (the data and its copy) and drops them afterwards.
Keys go to a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import make_url

TODAY = date(2026, 11, 10)  # a Tuesday: the 10,000 were due on Monday 2026-11-09
SEED_BATCH = 10_000
ITEMS = [
    {
        "name": "公民身份号码",
        "data_type": "string",
        "length": 18,
        "is_subject_key": True,
        "sharing_type": "unconditional",
    },
    {"name": "姓名", "data_type": "string", "length": 50, "sharing_type": "unconditional"},
    {"name": "婚姻状况", "data_type": "string", "length": 10},
    {"name": "月收入", "data_type": "integer"},
]


@contextmanager
def scratch_databases(url: str | None, tmp: Path) -> Iterator[tuple[str, str]]:
    """The data's database and the name of its copy (made later by `copy_database`)."""
    from govshare import migrate
    from govshare.db import make_engine

    if url is None or url.startswith("sqlite"):
        target = f"sqlite:///{tmp / 'sweep_bench.db'}"
        migrate.upgrade(url=target)
        yield target, f"sqlite:///{tmp / 'sweep_bench_copy.db'}"
        return
    name = f"govshare_bench_sweep_{uuid.uuid4().hex[:8]}"
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    target = make_url(url).set(database=name).render_as_string(hide_password=False)
    copy = make_url(url).set(database=f"{name}_copy").render_as_string(hide_password=False)
    try:
        migrate.upgrade(url=target)
        yield target, copy
    finally:
        with admin.connect() as conn:
            for db in (name, f"{name}_copy"):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        admin.dispose()


def copy_database(source: str, copy: str, admin_url: str | None) -> None:
    """A copy of the seeded data (file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL)."""
    from govshare.db import make_engine

    if source.startswith("sqlite"):
        shutil.copyfile(source.removeprefix("sqlite:///"), copy.removeprefix("sqlite:///"))
        return
    assert admin_url is not None
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(
            text(f'CREATE DATABASE "{make_url(copy).database}" '
                 f'TEMPLATE "{make_url(source).database}"')
        )  # fmt: skip
    admin.dispose()


def seed(url: str, *, n: int, due: int, providers: int, consumers: int) -> None:
    """Departments, one officer / staff member each, published resources, N applications."""
    from govshare.catalogue import service as catalogue
    from govshare.catalogue.schemas import ResourceIn
    from govshare.db import make_engine, make_session_factory, transaction
    from govshare.kit.actor import Actor
    from govshare.kit.demo_codes import make_uscc
    from govshare.orgs import service as orgs
    from govshare.orgs.models import Role, User
    from govshare.sharing.application_models import Application

    operator = Actor.operator()
    engine = make_engine(url)
    factory = make_session_factory(engine)
    people: list[dict[str, Any]] = []
    with transaction(factory) as session:

        def dept(i: int, kind: str, name: str) -> int:
            made = orgs.create_department(
                session, actor=operator, name=f"{name}{i}", code=f"B-{kind[:4]}-{i}",
                uscc=make_uscc("440100", 700 + i), level="municipal", kind=kind,
                is_authority=kind == "authority",
            )  # fmt: skip
            return made.id

        authority = dept(0, "authority", "数据局")
        provider_ids = [dept(1 + i, "health", "卫健委") for i in range(providers)]
        consumer_ids = [
            dept(1 + providers + i, "civil_affairs", "民政局") for i in range(consumers)
        ]
        for role, ids in (
            (Role.AUTHORITY_ADMIN, [authority]),
            (Role.DATA_OFFICER, provider_ids),
            (Role.STAFF, consumer_ids),
        ):
            for d in ids:
                people.append(
                    {
                        "username": f"{role.value}-{d}", "display_name": f"{role.value} {d}",
                        "email": f"{role.value}-{d}@bench.test", "password_hash": "!",
                        "role": role, "department_id": d,
                    }
                )  # fmt: skip
        session.execute(insert(User), people)
        resources: list[tuple[int, int, str]] = []
        for p in provider_ids:
            data = ResourceIn.model_validate(
                {
                    "department_id": p, "name": f"出生医学证明{p}", "catalogue_kind": "departmental",
                    "format": "database", "subject_key_type": "resident_id",
                    "sharing_type": "conditional", "sharing_basis": "《母婴保健法》",
                    "sharing_conditions": "户籍登记", "sharing_method": "interface",
                    "update_cycle": "daily", "items": ITEMS,
                }
            )  # fmt: skip
            resource = catalogue.create_resource(session, actor=operator, data=data)
            catalogue.submit(session, actor=operator, resource_id=resource.id, today=TODAY)
            catalogue.approve(session, actor=operator, resource_id=resource.id, today=TODAY)
            catalogue.publish(session, actor=operator, resource_ids=[resource.id], today=TODAY)
            resources.append((resource.id, p, resource.code))
    later = [TODAY + timedelta(days=3 + d) for d in range(40)]  # beyond the reminder window
    for start in range(0, n, SEED_BATCH):
        rows = []
        for i in range(start, min(n, start + SEED_BATCH)):
            resource_id, provider, code = resources[i % len(resources)]
            rows.append(
                {
                    "consumer_department_id": consumer_ids[i % len(consumer_ids)],
                    "provider_department_id": provider, "resource_id": resource_id,
                    "resource_code": code, "purpose_text": "户籍登记核验",
                    "legal_basis": "《户口登记条例》", "purposes": ["440100-GA-0007"],
                    "items": ["婚姻状况", "月收入"], "expected_volume": "100 a day",
                    "period_from": date(2026, 11, 1), "period_until": date(2027, 10, 31),
                    "involves_secret_or_privacy": False, "state": "submitted",
                    "submitted_on": date(2026, 11, 2), "submitted_by": "bench",
                    "due_on": TODAY - timedelta(days=1) if i % (n // due) == 0 else later[i % 40],
                    "answered_by": "", "refusal_reason": "",
                }
            )  # fmt: skip
        with transaction(factory) as session:
            session.execute(insert(Application), rows)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    engine.dispose()  # SQLite: the last connection closing checkpoints the WAL into the file


def bare_update(url: str, due: int) -> tuple[float, float]:
    """One set-based UPDATE of the due rows' state, with its commit."""
    from govshare.db import make_engine
    from govshare.sharing.application_models import Application

    engine = make_engine(url)
    stmt = (
        update(Application)
        .where(Application.state == "submitted", Application.due_on < TODAY)
        .values(state="deemed_consent")
    )
    with engine.connect() as conn:  # warm the connection up outside the timing
        conn.execute(select(func.count()).select_from(Application))
        conn.rollback()
        start, cpu = time.perf_counter(), time.process_time()
        with conn.begin():
            changed = conn.execute(stmt).rowcount
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    engine.dispose()
    assert changed == due, f"the UPDATE changed {changed} rows, expected {due}"
    return seconds, cpu


def sweep(url: str) -> tuple[float, float, dict[str, int]]:
    """The application rules of the sweep for TODAY, each in its own transaction as tick runs them."""
    from govshare.db import make_engine, make_session_factory, transaction
    from govshare.jobs.service import rules
    from govshare.kit.actor import Actor

    engine = make_engine(url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:  # warm-up: the connection, the profile, the calendar
        session.execute(text("SELECT 1"))
    actor = Actor.system()
    changed: dict[str, int] = {}
    mine = [r for r in rules() if r.name.startswith("applications.")]
    start, cpu = time.perf_counter(), time.process_time()
    for r in mine:
        with transaction(factory) as session:
            changed[r.name] = r.fn(session, today=TODAY, actor=actor)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    engine.dispose()
    return seconds, cpu, changed


def outcome(url: str) -> dict[str, int]:
    """What the sweep left behind: states, grants, audit entries, notifications."""
    from govshare.audit.models import AuditEntry
    from govshare.db import make_engine
    from govshare.notify.models import Notification
    from govshare.sharing.application_models import Application
    from govshare.sharing.models import Grant

    engine = make_engine(url)
    with engine.connect() as conn:

        def count(model: Any, *where: Any) -> int:
            return int(
                conn.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
            )

        out = {
            "deemed consents": count(Application, Application.state == "deemed_consent"),
            "still submitted": count(Application, Application.state == "submitted"),
            "grants": count(Grant, Grant.source == "deemed_consent"),
            "audit entries": count(AuditEntry, AuditEntry.action.like("%deemed%") | (AuditEntry.action == "grant.create")),
            "notifications": count(Notification, Notification.kind == "application.deemed_consent"),
        }  # fmt: skip
    engine.dispose()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="a PostgreSQL server URL (default: a temporary SQLite file)")
    parser.add_argument("--n", type=int, default=100_000, help="open applications (100,000)")
    parser.add_argument("--due", type=int, default=10_000, help="of which due (10,000)")
    parser.add_argument("--providers", type=int, default=10)
    parser.add_argument("--consumers", type=int, default=10)
    parser.add_argument("--profile", default="guangzhou")
    parser.add_argument("--target", type=float, default=0.25)
    args = parser.parse_args()
    if args.due <= 0 or args.n % args.due:
        parser.error("--n must be a multiple of --due")
    with tempfile.TemporaryDirectory(prefix="govshare-sweep-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        os.environ["GOVSHARE_KEY_DIR"] = str(tmp / "keys")  # never the operator's real key
        os.environ["GOVSHARE_PROFILE"] = args.profile
        with scratch_databases(args.url, tmp) as (url, copy):
            where = make_url(url).render_as_string()
            print(f"govshare sweep benchmark ({args.profile}) on {where}")
            start = time.perf_counter()
            seed(url, n=args.n, due=args.due, providers=args.providers, consumers=args.consumers)
            print(f"  seeded {args.n:,} open applications ({args.due:,} due) "
                  f"in {time.perf_counter() - start:.1f} s")  # fmt: skip
            copy_database(url, copy, args.url)
            update_s, update_cpu = bare_update(copy, args.due)
            sweep_s, sweep_cpu, changed = sweep(url)
            result = outcome(url)
    ratio = update_s / sweep_s
    print(f"  set-based UPDATE of {args.due:,} rows: {update_s:8.3f} s "
          f"({args.due / update_s:>10,.0f} rows/s; this process's CPU {update_cpu:.3f} s)")  # fmt: skip
    print(f"  sweep (application rules):        {sweep_s:8.3f} s "
          f"({args.due / sweep_s:>10,.0f} items/s; this process's CPU {sweep_cpu:.3f} s)")  # fmt: skip
    print(f"  items changed per rule: {changed}")
    print("  outcome: " + ", ".join(f"{k} {v:,}" for k, v in result.items()))
    print(f"  ratio: sweep throughput = {ratio:.3f} of the bare UPDATE's "
          f"(target ≥ {args.target}: {'met' if ratio >= args.target else 'NOT met'})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
