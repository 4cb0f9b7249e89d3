"""`make bench`: runs every benchmark and prints its figures (ratios to the bare operation in the same run).

python bench/run.py [--url URL] [--quick]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

BENCHES = [
    (
        "audit",
        HERE / "audit_bench.py",
        ["--n", "2000", "--verify-n", "1000000"],
        ["--n", "500", "--verify-n", "50000"],
    ),
    ("excel", HERE / "excel_bench.py", ["--n", "2000"], ["--n", "200"]),
    ("directory", HERE / "directory_bench.py", ["--n", "50000"], ["--n", "2000", "--repeat", "5"]),
    (
        "load",
        HERE / "load_bench.py",
        ["--n", "1000000", "--ratio-n", "100000"],
        ["--n", "20000", "--ratio-n", "10000"],
    ),
    (
        "query",
        HERE / "query_bench.py",
        ["--requests", "3000", "--records", "20000"],
        ["--requests", "300", "--records", "1000", "--rounds", "1"],
    ),
    (
        "sweep",
        HERE / "sweep_bench.py",
        ["--n", "100000", "--due", "10000"],
        ["--n", "2000", "--due", "200"],
    ),
]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--url", help="run against this PostgreSQL server instead of a temporary SQLite file"
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, to check the benchmarks run"
    )
    args = parser.parse_args()
    failed = 0
    for name, script, full, quick in BENCHES:
        print(f"\n### {name}", flush=True)
        cmd = [sys.executable, str(script), *(quick if args.quick else full)]
        if args.url:
            cmd += ["--url", args.url]
        failed += subprocess.run(cmd, check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
