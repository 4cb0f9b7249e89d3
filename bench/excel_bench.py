"""Excel import benchmark: rows per second of a validated, all-or-nothing catalogue import.

    python bench/excel_bench.py [--n 1000]

Reports the import (parse, validate every rule, write drafts with their audit entries) as a
ratio to a bare openpyxl read of the same workbook in the same run. Works in a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--n", type=int, default=1000, help="resources in the workbook (two items each)"
    )
    parser.add_argument("--url", help="not used: the import's cost is measured on SQLite only")
    args = parser.parse_args()
    if args.url:
        print("note: the Excel benchmark runs on SQLite only; --url is not used")
    tmp = Path(tempfile.mkdtemp(prefix="govshare-excel-bench-"))
    os.environ["GOVSHARE_KEY_DIR"] = str(tmp / "keys")
    from tests.catalogue.test_excel import fill, item_rows, resource_row
    from tests.orgs import builders

    from govshare import migrate
    from govshare.catalogue import excel
    from govshare.db import make_engine, make_session_factory, transaction
    from govshare.kit.actor import Actor

    url = f"sqlite:///{tmp / 'bench.db'}"
    migrate.upgrade(url=url)
    factory = make_session_factory(make_engine(url))
    with transaction(factory) as session:
        builders.department(session, authority=True)
        dept_id = builders.department(session).id
    resources = [resource_row(k) for k in range(1, args.n + 1)]
    items = [row for k in range(1, args.n + 1) for row in item_rows(k)]
    content = fill(resources, items)
    rows = len(resources) + len(items)

    start = time.perf_counter()
    book = load_workbook(io.BytesIO(content), read_only=True)
    bare_rows = sum(1 for ws in book.worksheets for _ in ws.iter_rows(values_only=True))
    bare = time.perf_counter() - start

    start = time.perf_counter()
    with transaction(factory) as session:
        result = excel.import_workbook(
            session,
            actor=Actor.operator("bench"),
            department_id=dept_id,
            content=content,
            today=date(2026, 11, 20),
        )
    full = time.perf_counter() - start
    print(
        f"govshare Excel import benchmark on SQLite: {args.n} resources, {len(items)} items ({rows} rows)"
    )
    print(f"  bare openpyxl read   {bare_rows / bare:>10,.0f} rows/s  ({bare:.2f} s)")
    print(
        f"  validated import     {rows / full:>10,.0f} rows/s  ({full:.2f} s; {result.resources} entries created)"
    )
    print(f"  ratio: the import runs at {bare / full:.2f} of the bare read's rate")


if __name__ == "__main__":
    main()
