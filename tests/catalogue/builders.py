"""Builders of catalogue entries for tests."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from govshare.catalogue import service as catalogue
from govshare.catalogue.models import Resource
from govshare.catalogue.schemas import ResourceIn
from govshare.kit.actor import Actor
from govshare.orgs.models import Department

OPERATOR = Actor.operator()
_serial = itertools.count(1)


def resource_in(dept: Department, **overrides: Any) -> ResourceIn:
    """A valid departmental, unconditional entry keyed by resident ID, with its overrides."""
    n = next(_serial)
    values: dict[str, Any] = {
        "department_id": dept.id,
        "name": f"测试信息资源{n}",
        "name_en": f"Test resource {n}",
        "abstract": "用于测试的信息资源",
        "catalogue_kind": "departmental",
        "format": "database",
        "subject_key_type": "resident_id",
        "sharing_type": "unconditional",
        "sharing_method": "interface",
        "update_cycle": "daily",
        "items": [
            {"name": "公民身份号码", "data_type": "string", "length": 18, "is_subject_key": True},
            {"name": "姓名", "data_type": "string", "length": 50},
            {"name": "婚姻状况", "data_type": "string", "length": 10},
        ],
    }
    values.update(overrides)
    return ResourceIn.model_validate(values)


def resource(session: Session, dept: Department, **overrides: Any) -> Resource:
    """A draft entry."""
    return catalogue.create_resource(session, actor=OPERATOR, data=resource_in(dept, **overrides))


def published(
    session: Session, dept: Department, today: date = date(2026, 11, 2), **overrides: Any
) -> Resource:
    """An entry submitted, approved and published."""
    r = resource(session, dept, **overrides)
    catalogue.submit(session, actor=OPERATOR, resource_id=r.id, today=today)
    catalogue.approve(session, actor=OPERATOR, resource_id=r.id, today=today)
    catalogue.publish(session, actor=OPERATOR, resource_ids=[r.id], today=today)
    return r
