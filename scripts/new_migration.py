"""Autogenerates the next migration from the models: `python scripts/new_migration.py slug`.

Runs every existing revision on a blank SQLite database, then compares it with the models.
Read the generated file before committing it: autogenerate does not see everything (renames,
data moves, PostgreSQL-only objects).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

from govshare.migrate import alembic_config

if len(sys.argv) != 2:
    sys.exit("usage: new_migration.py SLUG")
with tempfile.TemporaryDirectory() as tmp:
    cfg = alembic_config(f"sqlite:///{Path(tmp) / 'blank.db'}")
    head = ScriptDirectory.from_config(cfg).get_current_head() or "0000"
    command.upgrade(cfg, "head")
    command.revision(cfg, message=sys.argv[1], autogenerate=True, rev_id=f"{int(head) + 1:04d}")
