"""Query benchmark: an authorised, minimised, audited single-subject query over HTTP vs a bare SELECT endpoint.

    python bench/query_bench.py [--url URL] [--requests N] [--workers W] [--records R]

Both endpoints live in one app served by uvicorn on 127.0.0.1 in a subprocess (one process,
the production `create_app`), and are driven by the same bounded client loop: W threads, each
with its own keep-alive httpx client, sharing N requests, after a warm-up. The bare endpoint
(added to this script's app instance only, never to the production routes) runs the one
indexed SELECT of a subject's newest record version and returns the row's id, in a transaction
of its own, with no authentication. The real one is `POST /api/v1/data/{code}/query` with a
service account's bearer key: key check, published entry, entitlement (one grant lookup),
blind index, record lookup and decryption, field minimisation, a chained audit append and the
commit.

Printed: requests per second of each, the throughput ratio (target ≥ 0.5), p50 and p99
latencies and the p99 ratio (target ≤ 3). Without --url it works in a temporary SQLite file;
with a PostgreSQL URL it creates a scratch database there and drops it afterwards. Keys go to a
temporary folder.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from audit_bench import scratch_database

PURPOSE = {"purpose_text": "最低生活保障审核", "purpose_code": "440100-MZ-0031"}
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
    {"name": "住址", "data_type": "string", "length": 200},
]


def make_ric(n: int) -> str:
    from stdnum.cn import ric

    body = f"440103{1990 + n % 30}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"  # Liwan codes from 1990
    return body + ric.calc_check_digit(body + "0")


# --- setup (in this process) ---------------------------------------------------------------------


def seed(url: str, n_records: int, n_keys: int = 1) -> dict[str, Any]:
    """Departments, a published conditional resource with records, a grant and a service key."""
    from sqlalchemy import insert

    from govshare.catalogue import service as catalogue
    from govshare.catalogue.schemas import ResourceIn
    from govshare.datastore import records
    from govshare.datastore.models import RecordVersion
    from govshare.db import make_engine, make_session_factory, transaction
    from govshare.kit.actor import Actor
    from govshare.kit.crypto import keyring
    from govshare.kit.demo_codes import make_uscc
    from govshare.orgs import service as orgs
    from govshare.sharing import service as sharing

    operator = Actor.operator()
    today = date.today()
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        made = [
            orgs.create_department(
                session, actor=operator, name=name, code=code, uscc=make_uscc("440100", 800 + n),
                level="municipal", kind=kind, is_authority=kind == "authority",
            )
            for n, (name, code, kind) in enumerate(
                [("数据局", "B-ZSJ", "authority"), ("民政局", "B-MZJ", "civil_affairs"), ("人社局", "B-RSJ", "hr_social_security")]
            )
        ]  # fmt: skip
        provider, consumer = made[1], made[2]
        data = ResourceIn.model_validate(
            {
                "department_id": provider.id, "name": "低保对象信息", "catalogue_kind": "departmental",
                "format": "database", "subject_key_type": "resident_id", "sharing_type": "conditional",
                "sharing_basis": "《社会救助暂行办法》", "sharing_conditions": "社会救助审核",
                "sharing_method": "interface", "update_cycle": "daily", "items": ITEMS,
            }
        )  # fmt: skip
        resource = catalogue.create_resource(session, actor=operator, data=data)
        catalogue.submit(session, actor=operator, resource_id=resource.id, today=today)
        catalogue.approve(session, actor=operator, resource_id=resource.id, today=today)
        catalogue.publish(session, actor=operator, resource_ids=[resource.id], today=today)
        sharing.create_grant(
            session, actor=operator, consumer_department_id=consumer.id, resource_id=resource.id,
            items=["婚姻状况"], purposes=[PURPOSE["purpose_code"]], valid_from=today,
            valid_until=today + timedelta(days=365), today=today,
        )  # fmt: skip
        keys = [
            orgs.create_api_key(
                session,
                actor=operator,
                department_id=consumer.id,
                name=f"bench {i}",
                scopes=["data:query"],
            )
            for i in range(n_keys)
        ]
        resource_id, code = resource.id, resource.code
    ring = keyring()
    for start in range(0, n_records, 5000):
        rows = []
        for n in range(start, min(n_records, start + 5000)):
            subject = make_ric(n)
            h = records.subject_hash(subject)
            payload = {
                "姓名": f"测试{n}",
                "婚姻状况": "已婚",
                "月收入": 5000 + n,
                "住址": f"广州市荔湾区{n}号",
            }
            rows.append(
                {
                    "resource_id": resource_id, "subject_hash": h, "version": 1,
                    "subject_enc": ring.encrypt(subject.encode(), aad=records.aad(resource_id, h)),
                    "payload": None, "payload_enc": records.seal_payload(resource_id, h, payload),
                    "payload_digest": records.digest(payload), "deleted": False, "changed_by": "bench",
                    "reason": "",
                }
            )  # fmt: skip
        with transaction(factory) as session:
            session.execute(insert(RecordVersion), rows)  # executemany
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    engine.dispose()
    return {"resource_id": resource_id, "code": code, "tokens": [k.token for k in keys]}


# --- the server (a subprocess running this file with --serve) ------------------------------------


def serve(url: str, port: int) -> None:
    """The production app on the scratch database, plus this benchmark's bare endpoint."""
    import uvicorn
    from sqlalchemy import select

    from govshare import runtime
    from govshare.datastore.models import RecordVersion
    from govshare.http.deps import open_session_factory
    from govshare.sharing import routes as sharing_routes
    from govshare.web.app import create_app

    opener = open_session_factory(runtime.session_factory(url))
    app = create_app(open_session=opener)
    if not any(getattr(r, "path", "").startswith("/api/v1/data/") for r in app.routes):
        app.include_router(sharing_routes.router, prefix="/api/v1")

    versions = RecordVersion.__table__

    @app.get("/bench/bare/{resource_id}/{subject_hash}")
    def bare(resource_id: int, subject_hash: str) -> dict[str, Any]:
        # The SELECT the query runs for one subject (the newest version's whole row), and nothing else.
        stmt = (
            select(versions)
            .where(versions.c.resource_id == resource_id, versions.c.subject_hash == subject_hash)
            .order_by(versions.c.version.desc())
            .limit(1)
        )
        with opener() as session:
            row = session.execute(stmt).first()
            session.commit()
        return {"version": None if row is None else row.version}

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(base: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    sys.exit("the server did not start")


# --- the client loop -----------------------------------------------------------------------------


def drive(base: str, make_request: Any, total: int, workers: int) -> tuple[float, list[float]]:
    """Sends `total` requests from `workers` threads; returns the wall time and every latency."""
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(total))
    failures: list[str] = []

    def worker(index: int) -> None:
        mine: list[float] = []
        with httpx.Client(base_url=base, timeout=30) as client:
            while True:
                with lock:
                    n = next(counter, None)
                if n is None:
                    break
                start = time.perf_counter()
                response = make_request(client, n, index)
                mine.append(time.perf_counter() - start)
                if response.status_code != 200:
                    failures.append(f"{response.status_code} {response.text[:200]}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(workers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    if failures:
        sys.exit(f"{len(failures)} requests failed, e.g. {failures[0]}")
    return wall, latencies


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="a PostgreSQL server URL (default: a temporary SQLite file)")
    parser.add_argument(
        "--requests", type=int, default=3000, help="requests per measurement (default 3000)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        help="concurrent client threads (default 4 on PostgreSQL, 1 on SQLite: see below)",
    )
    parser.add_argument(
        "--records", type=int, default=20_000, help="records in the resource (default 20,000)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating rounds; the best of each is kept"
    )
    parser.add_argument(
        "--keys",
        type=int,
        default=1,
        help="API keys the workers share (default 1: one business system, as in production)",
    )
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return
    if args.workers is None:
        # SQLite has one writer at a time, and an API request's key check runs on the event loop
        # (http/deps.py, Allow): a second request waiting there for the write lock held by the
        # first stalls the loop the first needs to commit, until the busy timeout. One client.
        args.workers = 4 if args.url and not args.url.startswith("sqlite") else 1

    with tempfile.TemporaryDirectory(prefix="govshare-query-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        os.environ["GOVSHARE_KEY_DIR"] = str(tmp / "keys")  # never the operator's real keys
        os.environ["GOVSHARE_VAR_DIR"] = str(tmp)
        os.environ["GOVSHARE_PROFILE"] = "guangzhou"
        with scratch_database(args.url, tmp) as url:
            setup_start = time.perf_counter()
            seeded = seed(url, args.records, args.keys)
            print(f"govshare query benchmark on {url.split(':')[0]}: {args.records:,} records "
                  f"(setup {time.perf_counter() - setup_start:.1f} s), {args.requests:,} requests "
                  f"per measurement, {args.workers} client threads, best of {args.rounds} rounds")  # fmt: skip
            run(url, seeded, args)


def run(url: str, seeded: dict[str, Any], args: argparse.Namespace) -> None:
    from govshare.datastore import records

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", url, "--port", str(port)], env=dict(os.environ)
    )
    try:
        wait_up(base, proc)
        subjects = [make_ric(n) for n in range(args.records)]
        hashes = [records.subject_hash(s) for s in subjects]
        headers = [{"Authorization": f"Bearer {token}"} for token in seeded["tokens"]]
        query_url = f"/api/v1/data/{seeded['code']}/query"
        bare_url = f"/bench/bare/{seeded['resource_id']}/"

        def bare(client: httpx.Client, n: int, worker: int) -> httpx.Response:
            return client.get(bare_url + hashes[(n * 7919) % len(hashes)])

        def query(client: httpx.Client, n: int, worker: int) -> httpx.Response:
            body = {"subjects": [subjects[(n * 7919) % len(subjects)]], **PURPOSE}
            return client.post(query_url, json=body, headers=headers[worker % len(headers)])

        # A sanity check that the queries really are authorised, minimised and answered: every
        # subject the loop asks for is found, with exactly the entitled items.
        with httpx.Client(base_url=base) as client:
            sample = [subjects[(n * 7919) % len(subjects)] for n in range(100)]
            body = {"subjects": sample, **PURPOSE}
            answer = client.post(query_url, json=body, headers=headers[0]).json()
        assert answer["found"] == len(sample), answer
        entitled = {"公民身份号码", "姓名", "婚姻状况"}
        assert all(set(r["data"]) == entitled for r in answer["results"]), answer
        warm = max(200, args.requests // 10)
        drive(base, bare, warm, args.workers)
        drive(base, query, warm, args.workers)
        best: dict[str, tuple[float, list[float], float]] = {}
        for _ in range(args.rounds):
            for name, fn in (("bare", bare), ("query", query)):
                cpu = cpu_seconds(proc.pid)
                wall, lat = drive(base, fn, args.requests, args.workers)
                cpu = cpu_seconds(proc.pid) - cpu
                if name not in best or wall < best[name][0]:
                    best[name] = (wall, lat, cpu)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    report(best, args.requests)


def report(best: dict[str, tuple[float, list[float], float]], n: int) -> None:
    figures = {}
    print()
    for name, label in (("bare", "bare indexed SELECT"), ("query", "authorised query   ")):
        wall, lat, cpu = best[name]
        rps, p50, p99 = n / wall, pct(lat, 0.50), pct(lat, 0.99)
        figures[name] = (rps, p50, p99, cpu / n * 1000)
        print(f"  {label}  {rps:>8,.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   "
              f"mean {statistics.fmean(lat) * 1000:6.2f} ms   server CPU {cpu / n * 1000:.2f} ms/request")  # fmt: skip
    ratio = figures["query"][0] / figures["bare"][0]
    p99_ratio = figures["query"][2] / figures["bare"][2]
    cpu_ratio = figures["query"][3] / figures["bare"][3] if figures["bare"][3] else float("nan")
    print()
    print(
        f"  throughput ratio (query / bare): {ratio:.2f}   target >= 0.5   {'OK' if ratio >= 0.5 else 'MISSED'}"
    )
    print(
        f"  p99 ratio (query / bare):        {p99_ratio:.2f}   target <= 3     {'OK' if p99_ratio <= 3 else 'MISSED'}"
    )
    print(f"  server CPU per request ratio:    {cpu_ratio:.2f}   (the app process only, not the database)")  # fmt: skip


if __name__ == "__main__":
    main()
