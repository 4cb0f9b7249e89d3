"""The matcher of materials against the sharing directory: explainable and deterministic (GZ 32; ZS 15)."""

from __future__ import annotations

from govshare.governance import material_matching as matching
from govshare.governance.material_matching import Candidate


def _c(rid: int, code: str, name: str, *items: str, **kw: object) -> Candidate:
    values: dict[str, object] = {
        "resource_id": rid,
        "code": code,
        "name": name,
        "sharing_type": "unconditional",
        "e_certificate": False,
        "version": 1,
        "items": ("公民身份号码", "姓名", *items),
    }
    values.update(kw)
    return Candidate(**values)  # type: ignore[arg-type]


POOL = [
    _c(1, "R-001", "户籍登记信息", "户号", "户籍地址"),
    _c(2, "R-002", "居民身份证电子证照信息", "住址", e_certificate=True),
    _c(3, "R-003", "婚姻登记信息", "登记类别"),
    _c(4, "R-004", "最低生活保障信息", "家庭编号", sharing_type="conditional"),
    _c(5, "R-005", "人口综合信息", "婚姻状况"),
]


def test_core_drops_qualifiers_and_brackets() -> None:
    assert matching.core("居民身份证复印件") == "居民身份证"
    assert matching.core("申请人户口簿（原件及复印件）") == "户口簿"
    assert matching.resource_core("居民身份证电子证照信息") == "居民身份证"


def test_identity_household_and_marriage_materials_match_the_directory() -> None:
    # GZ 32: what sharing supplies is marked
    idcard = matching.match("居民身份证复印件", POOL)
    assert idcard is not None and idcard.code == "R-002"
    assert "居民身份证" in idcard.note and "electronic certificate" in idcard.note
    household = matching.match("户口簿", POOL)
    assert household is not None and household.code == "R-001"
    assert "户口簿 → 户籍" in household.note
    marriage = matching.match("婚姻状况证明", POOL)
    assert marriage is not None and marriage.code == "R-003"  # the name beats a data item
    assert marriage.score == 3 and "R-005" in marriage.note  # the other candidate is named


def test_data_item_match_names_the_items() -> None:
    pool = [p for p in POOL if p.code != "R-003"]
    found = matching.match("婚姻状况证明", pool)
    assert found is not None and found.code == "R-005"
    assert found.items == ["婚姻状况"] and found.score == 1


def test_unrelated_and_generic_materials_do_not_match() -> None:
    assert matching.match("申请表", POOL) is None
    assert matching.match("近期免冠照片", POOL) is None
    assert matching.match("家庭收入情况声明", POOL) is None


def test_the_answer_does_not_depend_on_the_order_of_the_directory() -> None:
    twin = _c(9, "R-000", "户籍登记信息", "户号")
    forward = matching.match("户口本", [*POOL, twin])
    backward = matching.match("户口本", [twin, *reversed(POOL)])
    assert forward is not None and backward is not None
    assert forward == backward and forward.code == "R-000"  # equal ranks: the code decides


def test_forms_the_applicant_writes_never_match() -> None:
    pool = [_c(4, "R-004", "最低生活保障信息")]
    assert matching.match("最低生活保障申请书", pool) is None
    assert matching.match("最低生活保障证明", pool) is not None
