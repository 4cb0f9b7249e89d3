"""The demo's connected data: valid synthetic people and organisations, loaded through the real load path."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from stdnum.cn import ric, uscc

from govshare import demo, demo_data
from govshare.audit import service as audit
from govshare.catalogue.models import Resource
from govshare.datastore import records
from govshare.datastore.models import Connection, Load, RecordVersion
from govshare.db import make_engine, make_session_factory, transaction
from govshare.jobs.models import Flag
from govshare.kit.crypto import keyring
from govshare.kit.identifiers import valid_ric, valid_uscc

TODAY = date(2026, 11, 20)
DISTRICTS = {name for _, name, _ in demo_data.DISTRICTS}


def test_people_have_valid_identity_numbers_matching_birth_date_and_sex() -> None:
    # GZ Art. 20, 22: the subject key of a person is the resident identity number, validated
    people = demo_data.people(3000)
    assert len({p.number for p in people}) == 3000
    for p in people:
        assert ric.is_valid(p.number), p.number
        assert valid_ric(p.number) == p.number
        assert ric.get_birth_date(p.number) == p.born
        assert ric.get_birth_place(p.number)["province"] == "广东省"
        assert p.number.startswith("4401")
        assert int(p.number[16]) % 2 == (1 if p.sex == "1" else 0)
        assert p.district in DISTRICTS
        assert p.address.startswith(f"广州市{p.district}")
        assert 2 <= len(p.name) <= 3 and p.name[0] in demo_data.SURNAMES
    assert len(DISTRICTS) == 11
    assert {p.district for p in people} == DISTRICTS


def test_organisations_have_valid_credit_codes_and_distinct_names() -> None:
    # GZ Art. 20, 23: organisations are keyed by their unified social credit code
    orgs = demo_data.organisations(1500)
    assert len({o.code for o in orgs}) == 1500
    assert len({o.name for o in orgs}) == 1500
    for o in orgs:
        assert uscc.is_valid(o.code), o.code
        assert valid_uscc(o.code) == o.code
        assert o.code[:2] == o.kind and o.code[2:6] == "4401"
        assert o.address.startswith(f"广州市{o.district}")
        assert o.representative


def test_generation_is_deterministic() -> None:
    assert demo_data.people(50) == demo_data.people(50)
    assert demo_data.organisations(50) == demo_data.organisations(50)
    assert demo_data.people(50) != demo_data.people(50, seed=1)


def test_sizes_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert demo_data.sizes() == (100_000, 20_000)
    monkeypatch.setenv("GOVSHARE_DEMO_PEOPLE", "500")
    monkeypatch.setenv("GOVSHARE_DEMO_ORGS", "70")
    assert demo_data.sizes() == (500, 70)


def _records(session, resource_id: int) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    """Current payloads by subject, decrypted."""
    ring = keyring()
    out = {}
    for row in session.scalars(
        select(RecordVersion).where(RecordVersion.resource_id == resource_id)
    ):
        rec = records.open_row(row)
        out[rec.subject] = rec.payload
    assert ring  # the keyring of the test run opened every value
    return out


def test_demo_loads_people_and_organisations_through_the_load_path(database_factory) -> None:  # type: ignore[no-untyped-def]
    url = database_factory()
    demo.create(url, force=True, today=TODAY, people=400, organisations=120)
    people = demo_data.people(400)
    orgs = demo_data.organisations(120)
    factory = make_session_factory(make_engine(url))
    with transaction(factory) as session:
        ids = {name: rid for name, rid in session.execute(select(Resource.name, Resource.id))}
        conns = {c.resource_id: c for c in session.scalars(select(Connection))}
        # everybody in household registration, half of them in identity cards; every organisation
        # has its code
        assert conns[ids["户籍登记信息"]].records == 400
        card_holders = sum((TODAY - p.born).days // 365 >= 16 for p in people)
        assert conns[ids["居民身份证电子证照信息"]].records == card_holders // 2
        assert conns[ids["法人和其他组织统一社会信用代码信息"]].records == 120
        enterprises = sum(o.kind == "91" for o in orgs)
        assert conns[ids["企业登记信息"]].records == enterprises
        assert conns[ids["企业税务登记信息"]].records == enterprises
        # every load went through the real path: a load report, its audit entry, a version per record
        loads = session.scalar(
            select(func.count())
            .select_from(Load)
            .where(Load.status == "loaded", Load.method != "api")
        )
        assert loads == len(conns) >= 30
        # GZ 30: the demo's one corrected verification request wrote one more version over the API
        corrections = session.scalar(
            select(func.count())
            .select_from(RecordVersion)
            .where(RecordVersion.reason.like("verification request #%"))
        )
        assert corrections == 1
        assert session.scalar(select(func.count()).select_from(RecordVersion)) == corrections + sum(
            c.records for c in conns.values()
        )
        assert audit.verify(session).ok

        household = _records(session, ids["户籍登记信息"])
        assert set(household) == {p.number for p in people}
        for p in people[:50]:
            assert household[p.number]["姓名"] == p.name
            assert household[p.number]["出生日期"] == p.born.isoformat()
            assert household[p.number]["户籍地址"] == p.address
        # encrypted at rest: the stored row holds no name in clear (GZ 21; ZS 33)
        row = session.scalars(
            select(RecordVersion).where(RecordVersion.resource_id == ids["户籍登记信息"])
        ).first()
        assert row is not None and row.payload is None and row.payload_enc
        assert people[0].name not in json.dumps(row.payload_enc, ensure_ascii=False)

        # ZS 17; JS 11: a handful of subjects differ between two providers of the same item
        for name, item, reference in demo_data.DIVERGENCES:
            mine, theirs = _records(session, ids[name]), _records(session, ids[reference])
            different = [s for s, v in mine.items() if v[item] != theirs[s][item]]
            assert len(different) == demo_data.DIVERGENT_SUBJECTS, name

        # GZ 19; ZS 18: the stale resources were last updated long before their cycle allows
        for name, days in demo_data.STALE.items():
            connection = conns[ids[name]]
            assert connection.last_updated_on == TODAY - timedelta(days=days)
            assert connection.last_updated_at is not None
            assert connection.last_updated_at.date() == TODAY - timedelta(days=days)
        fresh = conns[ids["户籍登记信息"]]
        assert fresh.last_updated_on == TODAY
        # ... and the demo's sweep flags exactly those (GZ 19)
        stale = session.scalars(
            select(Flag.object_id).where(Flag.kind == "data.stale", Flag.resolved_on.is_(None))
        )
        assert {int(i) for i in stale} == {ids[name] for name in demo_data.STALE}
