"""The demo service guides: supplied materials in every state (GZ 32; ZS 15)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare import demo, demo_catalogue, demo_materials
from govshare.db import make_engine, make_session_factory, transaction
from govshare.governance import materials
from govshare.governance.material_models import MatchSource, Material
from govshare.kit.actor import Actor

TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def loaded(database_factory: Any) -> Iterator[tuple[Session, dict[str, int]]]:
    engine = make_engine(database_factory())
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        depts = demo.create_departments(session, actor=Actor.operator("demo"))
        demo_catalogue.load(session, depts=depts, today=TODAY)
        counts = demo_materials.load(session, depts=depts, today=TODAY)
    with factory() as session:
        yield session, counts
    engine.dispose()


def test_demo_materials_are_matched_and_in_every_state(
    loaded: tuple[Session, dict[str, int]],
) -> None:
    # GZ 32: supplied materials marked; some removed, some marked, some still required
    session, counts = loaded
    assert counts["guides"] >= 5
    assert counts["removed"] and counts["marked"] and counts["still_required"]
    by_name = {m.name: m for m in session.scalars(select(Material))}
    for name in ("居民身份证复印件", "户口簿", "婚姻状况证明"):
        assert by_name[name].resource_id is not None, name
    assert by_name["家庭收入情况声明"].resource_id is None
    sources = {m.match_source for m in by_name.values()}
    assert MatchSource.MANUAL in sources
    still = sum(c.still_required for c in materials.counts_by_department(session).values())
    assert still > 0
