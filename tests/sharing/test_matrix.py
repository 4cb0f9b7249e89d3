"""Nothing outside the entitlement ever appears: profile × consumer × sharing type × grant state × purpose × item.

Every stored value is a unique marker, so a leak is a plain substring search over the serialized
response, the error and the audit row. The expected items come from the rules written out here
(an oracle independent of the service):

- GZ 26 ¶1 / ZS 22 ¶1: unconditional resources and unconditional items are open to all;
- GZ 26 ¶2 / ZS 22 ¶2, ZS 21: a conditional item needs an active grant naming the purpose;
- GZ 26 ¶3 / ZS 22 ¶3: a not-shared resource is verification only, whatever grant exists;
- ZS 22 ¶4: public security, for public-security management, gets the conditional items
  (zhongshan only; guangzhou is silent, so public security follows the normal rules).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.orm import Session

from govshare.datastore import records
from govshare.kit.errors import Forbidden
from govshare.orgs.models import Department
from govshare.sharing import service as sharing
from govshare.sharing.schemas import QueryOut
from tests.sharing import builders
from tests.sharing.builders import ITEMS, KEY
from tests.sharing.conftest import audit_text, last_audit

TODAY = date(2026, 11, 20)
GRANTED = "440100-MZ-0031"
PURPOSE_CODES = {
    "granted": GRANTED,
    "other": "440100-MZ-9999",
    "public_security": "public_security.case-check",
}
# What a grant names, per sharing type: one of the two conditional items only.
GRANT_ITEMS = {
    "unconditional": ["姓名"],
    "conditional": ["婚姻状况"],
    "none": ["姓名", "病历摘要"],
}
STATES = ["none", "active", "expired", "revoked", "not_yet_valid", "suspended"]


def expected(profile: str, consumer: str, kind: str, state: str, purpose: str) -> list[str]:
    names = [name for name, _ in ITEMS[kind]]
    if kind == "none":
        return []
    if kind == "unconditional":
        return names
    allowed = {KEY, "姓名"}
    if state == "active" and purpose == "granted":
        allowed.add("婚姻状况")
    if profile == "zhongshan" and consumer == "police" and purpose == "public_security":
        allowed |= {"婚姻状况", "月收入"}
    return [name for name in names if name in allowed]


@pytest.mark.parametrize("purpose", sorted(PURPOSE_CODES))
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("kind", ["unconditional", "conditional", "none"])
@pytest.mark.parametrize("consumer", ["civil", "police"])
@pytest.mark.parametrize("profile", ["guangzhou", "zhongshan"])
def test_only_entitled_items_ever_appear(
    session: Session,
    depts: dict[str, Department],
    use_profile: Callable[[str], None],
    profile: str,
    consumer: str,
    kind: str,
    state: str,
    purpose: str,
) -> None:
    use_profile(profile)
    resource = builders.published(session, depts["provider"], kind)
    subjects = [builders.make_ric(), builders.make_ric()]
    stored = builders.with_records(session, resource, kind, subjects, sealed=kind == "conditional")
    dept = depts[consumer]
    grant = builders.grant_in_state(
        session,
        consumer=dept,
        resource=resource,
        items=GRANT_ITEMS[kind],
        purposes=[GRANTED],
        state=state,
        today=TODAY,
    )
    actor = builders.staff(dept)
    allowed = expected(profile, consumer, kind, state, purpose)
    every_marker = [v for s in subjects for name, v in stored[s].items() if name != KEY]
    leaked = [stored[s][name] for s in subjects for name in stored[s] if name not in allowed]
    missing, malformed = builders.make_ric(), "4401031990-BAD"
    seq_before = last_audit(session).seq  # type: ignore[union-attr]

    try:
        result = sharing.query(
            session,
            actor=actor,
            resource_id=resource.id,
            subjects=[*subjects, missing, malformed],
            purpose_text="社会救助审核",
            purpose_code=PURPOSE_CODES[purpose],
            method="batch",
            today=TODAY,
        )
    except Forbidden as exc:
        assert allowed == [], f"refused although {allowed} are entitled"
        assert exc.code == "not_entitled"
        error = json.dumps(exc.as_dict(), ensure_ascii=False)
        assert not [m for m in every_marker if m in error]
        assert not [s for s in subjects if s in error]
        assert last_audit(session).seq == seq_before  # type: ignore[union-attr]
        return

    assert allowed, "data returned although nothing is entitled"
    assert list(result.entitlement.items) == allowed
    body = QueryOut.of(result).model_dump_json()
    assert not [m for m in leaked if m in body], f"leaked outside {allowed}"
    by_subject = {r.subject: r for r in result.results}
    for subject in subjects:
        data = by_subject[subject].data
        assert by_subject[subject].status == "found" and data is not None
        for name, _ in ITEMS[kind]:  # per item: present exactly when entitled
            assert (name in data) == (name in allowed), name
            if name in allowed:
                assert data[name] == stored[subject][name]
    assert by_subject[missing].status == "not_found" and by_subject[missing].data is None
    assert by_subject[malformed.strip()].status == "invalid"

    # ZS 32: the use is on record, with hashes for subjects and never a value
    entry = last_audit(session)
    assert entry is not None and entry.seq == seq_before + 1
    assert entry.action == "data.query"
    assert entry.details["items"] == allowed
    assert entry.details["subjects"][:2] == [records.subject_hash(s) for s in subjects]
    assert entry.details["result_count"] == 2
    row = audit_text(entry)
    assert not [m for m in every_marker if m in row]
    assert not [s for s in [*subjects, missing, malformed] if s in row]
    relied = [g["id"] for g in entry.details["grants"]]
    uses_grant = kind == "conditional" and state == "active" and purpose == "granted"
    assert relied == ([grant.id] if uses_grant and grant is not None else [])
