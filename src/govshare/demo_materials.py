"""Demo service guides (GZ 32; ZS 15): realistic services of several departments and their materials.

Registered through the service, so the platform marks what the published sharing directory
supplies (identity card, household register, marriage, birth, provident fund…). Some supplied
materials stay required (the report shows them), some are removed, some marked "obtained through
sharing; not required of the applicant" (where the profile provides for it); one material is
linked by hand, one wrong match cleared, and one service withdrawn.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from govshare.governance import materials
from govshare.governance.material_models import MaterialState
from govshare.governance.material_schemas import GuideIn, MaterialIn
from govshare.kit.actor import Actor, ActorKind, Method
from govshare.orgs.models import Department, Role
from govshare.profiles.service import get_active_profile

# department code → officer's name, and its guides: (code, name, description, [(material, note)])
GUIDES: dict[str, tuple[str, list[tuple[str, str, str, list[tuple[str, str]]]]]] = {
    "GZ-MZJ": (
        "民政局数据管理员 刘芳",
        [
            (
                "MZ-DB-001",
                "最低生活保障申请",
                "城乡居民家庭人均收入低于当地最低生活保障标准的,申请最低生活保障待遇。",
                [
                    ("居民身份证复印件", "申请人及共同生活家庭成员"),
                    ("户口簿", "原件及复印件"),
                    ("婚姻状况证明", "已婚的提供结婚证,离婚的提供离婚证"),
                    ("残疾人证", "家庭成员有残疾的提供"),
                    ("家庭收入情况声明", "申请人签名"),
                    ("最低生活保障申请书", ""),
                ],
            ),
            (
                "MZ-LS-002",
                "临时救助申请",
                "因突发事件、意外伤害或重大疾病导致基本生活暂时出现严重困难的家庭或个人申请临时救助。",
                [
                    ("申请人居民身份证", ""),
                    ("户口本", ""),
                    ("最低生活保障证明", "低保家庭提供"),
                    ("困难情况说明", "由村(居)委会出具"),
                ],
            ),
            (
                "MZ-YL-003",
                "高龄老人津贴申领",
                "年满 80 周岁的本市户籍老年人申领高龄津贴(已并入养老服务补贴,停止受理)。",
                [("居民身份证复印件", ""), ("银行账户信息", "")],
            ),
        ],
    ),
    "GZ-JYJ": (
        "教育局数据管理员 陈敏",
        [
            (
                "JY-RX-001",
                "义务教育入学登记",
                "适龄儿童少年在户籍地或居住地申请就读公办小学、初中一年级。",
                [
                    ("儿童出生医学证明", ""),
                    ("户口簿", "儿童及父母"),
                    ("父母居民身份证", ""),
                    ("来穗人员居住证", "非本市户籍的提供"),
                    ("住房证明", "房产证或租赁合同"),
                    ("预防接种证", ""),
                ],
            ),
        ],
    ),
    "GZ-GJJ": (
        "公积金中心数据管理员 王强",
        [
            (
                "GJJ-TQ-001",
                "住房公积金提取(购买自住住房)",
                "职工购买、建造、翻建、大修自住住房的,提取住房公积金账户存储余额。",
                [
                    ("居民身份证", "职工本人"),
                    ("结婚证", "已婚的提供,配偶共同提取"),
                    ("住房公积金缴存证明", ""),
                    ("个人所得税纳税证明", ""),
                    ("购房合同", "网签备案的商品房买卖合同"),
                    ("购房发票", ""),
                ],
            ),
        ],
    ),
    "GZ-RSJ": (
        "人社局工作人员 张敏",
        [
            (
                "RS-SY-001",
                "失业保险金申领",
                "参保失业人员申领失业保险金。",
                [
                    ("居民身份证", ""),
                    ("社会保险参保证明", ""),
                    ("解除或终止劳动关系证明", "用人单位出具"),
                    ("就业失业登记情况", ""),
                ],
            ),
        ],
    ),
}


def _officer(dept: Department, name: str) -> Actor:
    return Actor(
        kind=ActorKind.USER,
        id=None,
        name=name,
        method=Method.CONSOLE,
        department_id=dept.id,
        roles=frozenset({Role.DATA_OFFICER}),
    )


def load(session: Session, *, depts: dict[str, Department], today: date) -> dict[str, int]:
    """Registers the demo guides and acts on some supplied materials; returns counts per state."""
    marking = get_active_profile().materials.guides_marked.enabled
    authority = Actor.operator("陈主任")
    found: dict[str, materials.Material] = {}
    guides: dict[str, int] = {}
    for code, (officer_name, services) in GUIDES.items():
        dept = depts.get(code)
        if dept is None:
            continue
        officer = _officer(dept, officer_name)
        for service_code, name, description, items in services:
            guide = materials.create_guide(
                session,
                actor=officer,
                data=GuideIn(
                    department_id=dept.id,
                    code=service_code,
                    name=name,
                    description=description,
                    materials=[MaterialIn(name=n, description=d) for n, d in items],
                ),
            )
            guides[service_code] = guide.id
            for m in materials.materials_of(session, guide_ids=[guide.id])[guide.id]:
                found[f"{service_code}/{m.name}"] = m

    def act(key: str, state: MaterialState, reason: str) -> None:
        m = found.get(key)
        if m is None or m.resource_id is None:
            return  # the directory does not supply it in this deployment
        if state == MaterialState.MARKED and not marking:
            state = MaterialState.REMOVED
        service_code = key.split("/")[0]
        dept_code = next(c for c, (_, s) in GUIDES.items() if any(x[0] == service_code for x in s))
        officer = _officer(depts[dept_code], GUIDES[dept_code][0])
        materials.change_state(session, actor=officer, material_id=m.id, state=state, reason=reason)

    act("MZ-DB-001/居民身份证复印件", MaterialState.REMOVED, "通过电子证照共享获取")
    act("MZ-DB-001/户口簿", MaterialState.MARKED, "通过户籍信息共享核验")
    act("GJJ-TQ-001/结婚证", MaterialState.MARKED, "通过婚姻登记信息共享获取")
    act("GJJ-TQ-001/住房公积金缴存证明", MaterialState.REMOVED, "本中心数据,无需提供")
    act("JY-RX-001/儿童出生医学证明", MaterialState.MARKED, "通过出生医学证明信息共享获取")
    # the authority links one material by hand, the department clears one wrong match
    employment = found.get("RS-SY-001/就业失业登记情况")
    social = found.get("RS-SY-001/社会保险参保证明")
    if employment is not None and social is not None and social.resource_id is not None:
        linked = materials.resource_codes(session, [social.resource_id]).get(social.resource_id)
        if linked:
            materials.link(
                session,
                actor=authority,
                material_id=employment.id,
                resource_code=linked,
                note="参保记录可反映就业失业状态",
            )
    housing = found.get("JY-RX-001/住房证明")
    if housing is not None and housing.resource_id is not None:
        materials.clear(
            session,
            actor=_officer(depts["GZ-JYJ"], GUIDES["GZ-JYJ"][0]),
            material_id=housing.id,
            reason="租赁合同不在共享目录中",
        )
    if "MZ-YL-003" in guides:
        materials.set_active(
            session,
            actor=_officer(depts["GZ-MZJ"], GUIDES["GZ-MZJ"][0]),
            guide_id=guides["MZ-YL-003"],
            active=False,
        )
    states: dict[str, int] = {"guides": len(guides)}
    for m in found.values():
        states[str(m.state)] = states.get(str(m.state), 0) + 1
        if m.resource_id is not None and m.state == MaterialState.REQUIRED:
            states["still_required"] = states.get("still_required", 0) + 1
    return states
