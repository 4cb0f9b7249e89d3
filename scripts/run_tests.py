"""Runs the whole suite on SQLite and on PostgreSQL (starting a throwaway server when none is given).

Fails when either run fails or when no test ran. PostgreSQL is skipped only outside CI when no
server binaries can be found; CI must have them (.ci/run installs them).
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]


def find_pg_bin() -> Path | None:
    for name in ("initdb",):
        found = shutil.which(name)
        if found:
            return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TempPostgres:
    """A PostgreSQL cluster in a temporary folder, owned by an unprivileged user when run as root."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="govshare-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)

    def start(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.dir, user=self.user)
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
        )
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            opts,
            "-l",
            str(self.dir / "log"),
            "-w",
            "start",
        )
        return f"postgresql+psycopg://postgres@/postgres?host={self.dir}&port={self.port}"

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def run(label: str, env: dict[str, str]) -> tuple[int, int, int]:
    print(f"\n=== {label} ===", flush=True)
    proc = subprocess.run(
        PYTEST, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    sys.stdout.write(proc.stdout)
    tail = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    passed = int(m.group(1)) if (m := re.search(r"(\d+) passed", tail)) else 0
    failed = sum(int(x) for x in re.findall(r"(\d+) (?:failed|error)", tail))
    if proc.returncode == 5 or passed == 0:
        print(f"{label}: no test ran", flush=True)
        return proc.returncode or 1, passed, failed + 1
    return proc.returncode, passed, failed


def main() -> int:
    env = dict(os.environ)
    env.pop("GOVSHARE_TEST_DATABASE_URL", None)
    results = {"sqlite": run("SQLite", env)}
    pg_url = os.environ.get("GOVSHARE_TEST_DATABASE_URL")
    server: TempPostgres | None = None
    if not pg_url:
        bindir = find_pg_bin()
        if bindir is None:
            if os.environ.get("CI"):
                print("PostgreSQL server binaries not found; .ci/run must install them", flush=True)
                return 1
            print("PostgreSQL server binaries not found: skipping the PostgreSQL run", flush=True)
        else:
            server = TempPostgres(bindir)
            pg_url = server.start()
    try:
        if pg_url:
            results["postgresql"] = run("PostgreSQL", {**env, "GOVSHARE_TEST_DATABASE_URL": pg_url})
    finally:
        if server is not None:
            server.stop()
    code = 0
    total_passed = total_failed = 0
    for label, (rc, passed, failed) in results.items():
        print(f"{label}: {passed} passed, {failed} failed (exit {rc})")
        total_passed += passed
        total_failed += failed
        code = code or rc
    print(f"all: {total_passed} passed, {total_failed} failed")
    return code


if __name__ == "__main__":
    sys.exit(main())
