"""Regenerates the initial migration from the models (only while no release has shipped)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from govshare.migrate import MIGRATIONS_DIR, alembic_config

for old in (MIGRATIONS_DIR / "versions").glob("*_initial.py"):
    old.unlink()
with tempfile.TemporaryDirectory() as tmp:
    cfg = alembic_config(f"sqlite:///{Path(tmp) / 'blank.db'}")
    command.revision(cfg, message="initial", autogenerate=True, rev_id="0001")
print("regenerated", *sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("*.py")))
