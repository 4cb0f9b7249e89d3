"""The Guangzhou demo catalogue: the basic information GZ 21, 23 and 24 assign, departmental and thematic entries.

Every entry goes through the real catalogue service (create, submit, review, publish), so the
demo shows the rules (GZ 9-11, 20, 22), the workflow in each of its states, the deadlines of GZ 8
(one review and one update overdue), versions, change events, disputes and full reviews.
Dates are relative to `today`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govshare.calendar import service as calendar
from govshare.catalogue import service
from govshare.catalogue.enums import (
    BasicCategory,
    BasisKind,
    CatalogueKind,
    ChangeEventKind,
    DataType,
    OpenType,
    ResourceFormat,
    ResourceStatus,
    SharingMethod,
    SharingType,
    SubjectKeyType,
    UpdateCycle,
)
from govshare.catalogue.models import Resource
from govshare.catalogue.schemas import DataItemIn, ResourceIn
from govshare.kit.actor import Actor, ActorKind, Method
from govshare.orgs.models import Department
from govshare.profiles.service import get_active_profile

Stage = Literal["published", "approved", "submitted", "overdue", "returned", "draft"]

S, INT, DEC, DAY, TIME, BOOL = (
    DataType.STRING,
    DataType.INTEGER,
    DataType.DECIMAL,
    DataType.DATE,
    DataType.DATETIME,
    DataType.BOOLEAN,
)

BASIC = CatalogueKind.BASIC
THEMATIC = CatalogueKind.THEMATIC
PERSON = BasicCategory.NATURAL_PERSON
LEGAL = BasicCategory.LEGAL_PERSON
NATURE = BasicCategory.NATURAL_RESOURCES
CERT = BasicCategory.E_CERTIFICATE
COND = SharingType.CONDITIONAL
NONE = SharingType.NONE

USE_REQUIREMENTS = (
    "只能按照明确的用途用于本部门履行职责需要,不得直接或者以改变数据形式等方式提供给第三方,"
    "不得篡改信息内容,不得用于或者变相用于其他目的(GZ 25)"
)
SCOPES = {
    SharingType.UNCONDITIONAL: "全市各级政务部门",
    SharingType.CONDITIONAL: "经提供部门审核同意的市、区政务部门",
    SharingType.NONE: "不予共享;使用部门提出核实、比对需求的,提供部门予以配合(GZ 26)",
}


def _i(
    name: str,
    name_en: str,
    dtype: DataType = S,
    length: int | None = None,
    *,
    key: bool = False,
    direct: bool = False,
    desc: str = "",
) -> DataItemIn:
    """A data item; `direct` shares it unconditionally inside a conditional resource (GZ 9)."""
    return DataItemIn(
        name=name,
        name_en=name_en,
        data_type=dtype,
        length=length,
        description=desc,
        is_subject_key=key,
        sharing_type=SharingType.UNCONDITIONAL if direct else None,
    )


def _person(*, police: bool = False, direct: bool = False) -> tuple[DataItemIn, ...]:
    """The identifying items of a natural person: besides the police, name and ID type too (GZ 20, 22)."""
    key = _i("公民身份号码", "Citizen ID number", S, 18, key=True, direct=direct)
    name = _i("姓名", "Name", S, 50, direct=direct)
    if police:
        return key, name
    doc = _i(
        "身份证件类型",
        "ID document type",
        S,
        2,
        direct=direct,
        desc="GB/T 2261 代码,如 01 居民身份证",
    )
    return key, doc, name


def _uscc(label: str = "统一社会信用代码") -> DataItemIn:
    return _i(label, "Unified social credit code", S, 18, key=True)


@dataclass(frozen=True)
class _Spec:
    """One catalogue entry of the demo and the state the demo leaves it in."""

    dept: str
    name: str
    name_en: str
    abstract: str
    items: tuple[DataItemIn, ...]
    kind: CatalogueKind = CatalogueKind.DEPARTMENTAL
    category: BasicCategory | None = None
    sharing: SharingType = SharingType.UNCONDITIONAL
    conditions: str = ""
    basis: str = ""
    basis_kind: BasisKind | None = None
    method: SharingMethod | None = None
    cycle: UpdateCycle = UpdateCycle.DAILY
    fmt: ResourceFormat = ResourceFormat.DATABASE
    open_type: OpenType = OpenType.NOT_OPEN
    open_conditions: str = ""
    purposes: str = ""
    lead: str = ""
    collector: str = ""
    related: tuple[str, ...] = ()
    stage: Stage = "published"
    age: int = 0  # days before today of the submission; 0: spread over the first months
    comment: str = ""  # the authority's comments on a returned entry


def _basic(
    category: BasicCategory,
    dept: str,
    name: str,
    name_en: str,
    abstract: str,
    items: tuple[DataItemIn, ...],
    **kw: Any,
) -> _Spec:
    """Basic information: unconditional (GZ 10), updated in real time unless said (GZ 19)."""
    spec = _Spec(dept, name, name_en, abstract, items, kind=BASIC, category=category)
    return replace(spec, **{"cycle": UpdateCycle.REAL_TIME, **kw})


def _dept(
    dept: str, name: str, name_en: str, abstract: str, items: tuple[DataItemIn, ...], **kw: Any
) -> _Spec:
    """Departmental information."""
    return replace(_Spec(dept, name, name_en, abstract, items), **kw)


# --- GZ 21: natural persons ------------------------------------------------------------------

NATURAL_PERSONS = [
    _basic(
        PERSON,
        "GZ-GAJ",
        "户籍登记信息",
        "Household registration",
        "本市户籍人口的户籍登记信息,包括出生、迁入、迁出、变更更正等登记事项,由公安机关采集、核准与提供(GZ 21(1))。",
        (
            *_person(police=True),
            _i("性别", "Sex", S, 1),
            _i("民族", "Ethnic group", S, 2),
            _i("出生日期", "Date of birth", DAY),
            _i("户号", "Household number", S, 9),
            _i("户主姓名", "Head of household", S, 50),
            _i("与户主关系", "Relationship to head of household", S, 2),
            _i("户籍地址", "Registered address", S, 200),
            _i("登记日期", "Registration date", DAY),
            _i("户籍登记机关", "Registration authority", S, 100),
        ),
        purposes="社会保障、教育入学、婚姻登记、不动产登记等政务服务中核验户籍身份",
    ),
    _basic(
        PERSON,
        "GZ-GAJ",
        "死亡登记信息",
        "Death registration",
        "依据《居民死亡医学证明(推断)书》办理的死亡人员户口注销登记信息(GZ 21(4))。",
        (
            *_person(police=True),
            _i("性别", "Sex", S, 1),
            _i("死亡日期", "Date of death", DAY),
            _i("死亡医学证明编号", "Medical certificate of death number", S, 20),
            _i("户口注销日期", "Date household record cancelled", DAY),
            _i("注销登记机关", "Cancelling authority", S, 100),
        ),
        collector="GZ-WJW",
        purposes="停发社会保险待遇和救助金、注销证照、办理继承与殡葬服务",
    ),
    _basic(
        CERT,
        "GZ-GAJ",
        "居民身份证电子证照信息",
        "Resident identity card (electronic certificate)",
        "居民身份证的电子证照信息,用于政务服务中免交身份证复印件。",
        (
            *_person(police=True),
            _i("性别", "Sex", S, 1),
            _i("民族", "Ethnic group", S, 2),
            _i("出生日期", "Date of birth", DAY),
            _i("住址", "Address", S, 200),
            _i("签发机关", "Issuing authority", S, 100),
            _i("有效期起始日期", "Valid from", DAY),
            _i("有效期截止日期", "Valid until", DAY),
        ),
        fmt=ResourceFormat.SERVICE_INTERFACE,
        purposes="政务服务事项办理中的身份核验和证照免提交",
    ),
    _basic(
        PERSON,
        "GZ-LSJ",
        "来穗人员居住登记信息",
        "Migrant residence registration",
        "来穗人员的居住登记信息,由来穗人员服务管理部门和受公安机关委托的镇、街流动人口服务管理机构采集(GZ 21(2))。",
        (
            *_person(),
            _i("性别", "Sex", S, 1),
            _i("户籍地址", "Registered (hukou) address", S, 200),
            _i("居住地址", "Residential address", S, 200),
            _i("居住登记日期", "Residence registration date", DAY),
            _i("居住事由", "Reason for residence", S, 2),
            _i("登记机构", "Registering office", S, 100),
        ),
        purposes="积分制入户、随迁子女入学、基本公共服务提供",
    ),
    _basic(
        PERSON,
        "GZ-LSJ",
        "来穗人员居住证信息",
        "Residence permit",
        "广东省居住证的办理、签注和注销信息(GZ 21(2))。",
        (
            *_person(),
            _i("居住证号码", "Residence permit number", S, 20),
            _i("签发日期", "Issue date", DAY),
            _i("有效期截止日期", "Valid until", DAY),
            _i("居住地址", "Residential address", S, 200),
            _i("最近签注日期", "Last endorsement date", DAY),
            _i("证件状态", "Permit status", S, 2),
        ),
        purposes="居住证持有人享受基本公共服务和便利的资格核验",
    ),
    _basic(
        PERSON,
        "GZ-MZJ",
        "婚姻登记信息",
        "Marriage registration",
        "内地居民结婚、离婚和补领婚姻登记证的登记信息(GZ 21(3))。",
        (
            *_person(),
            _i("性别", "Sex", S, 1),
            _i("登记类别", "Registration type", S, 2, desc="结婚、离婚、补领"),
            _i("登记日期", "Registration date", DAY),
            _i("婚姻登记证字号", "Certificate number", S, 30),
            _i("配偶姓名", "Spouse's name", S, 50),
            _i("配偶公民身份号码", "Spouse's citizen ID number", S, 18),
            _i("登记机关", "Registration office", S, 100),
        ),
        purposes="不动产登记、住房保障、生育登记、社会救助中核验婚姻状况",
    ),
    _basic(
        PERSON,
        "GZ-MZJ",
        "收养登记信息",
        "Adoption registration",
        "收养登记、解除收养关系登记信息,以收养人为主体(GZ 21(3))。",
        (
            *_person(),
            _i("被收养人姓名", "Adoptee's name", S, 50),
            _i("被收养人公民身份号码", "Adoptee's citizen ID number", S, 18),
            _i("登记类别", "Registration type", S, 2, desc="收养、解除收养"),
            _i("收养登记日期", "Registration date", DAY),
            _i("收养登记证号", "Certificate number", S, 30),
            _i("登记机关", "Registration office", S, 100),
        ),
        purposes="户口登记、入学和监护关系核验",
    ),
    _basic(
        PERSON,
        "GZ-MZJ",
        "最低生活保障信息",
        "Minimum living allowance",
        "城乡最低生活保障对象及其保障金发放信息(GZ 21(6))。",
        (
            *_person(),
            _i("家庭编号", "Household case number", S, 20),
            _i("保障类别", "Allowance category", S, 2, desc="城市、农村"),
            _i("保障人数", "Persons covered", INT),
            _i("月保障金额", "Monthly allowance (CNY)", DEC, 10),
            _i("保障起始日期", "Allowance start date", DAY),
            _i("审批机关", "Approving authority", S, 100),
        ),
        purposes="医疗救助、教育资助、住房保障和水电费减免等专项救助的资格认定",
    ),
    _basic(
        PERSON,
        "GZ-MZJ",
        "指定监护信息",
        "Guardianship designation",
        "民政部门和镇人民政府、街道办事处指定监护的信息,以被监护人为主体(GZ 21(11))。",
        (
            *_person(),
            _i("监护人姓名", "Guardian's name", S, 50),
            _i("监护人公民身份号码", "Guardian's citizen ID number", S, 18),
            _i("监护类型", "Guardianship type", S, 2, desc="指定、委托、临时"),
            _i("指定机关", "Designating authority", S, 100),
            _i("指定日期", "Date of designation", DAY),
        ),
        purposes="未成年人、无民事行为能力人办理政务服务时核验监护人身份",
    ),
    _basic(
        PERSON,
        "GZ-WJW",
        "出生医学证明信息",
        "Medical certificate of birth",
        "医疗机构签发的《出生医学证明》信息;新生儿尚无公民身份号码,以证明编号为标识(GZ 21(4))。",
        (
            _i("出生医学证明编号", "Certificate number", S, 10, key=True),
            _i("新生儿姓名", "Newborn's name", S, 50),
            _i("性别", "Sex", S, 1),
            _i("出生时间", "Time of birth", TIME),
            _i("出生地点", "Place of birth", S, 200),
            _i("母亲姓名", "Mother's name", S, 50),
            _i("母亲公民身份号码", "Mother's citizen ID number", S, 18),
            _i("父亲姓名", "Father's name", S, 50),
            _i("父亲公民身份号码", "Father's citizen ID number", S, 18),
            _i("签发机构", "Issuing institution", S, 100),
            _i("签发日期", "Issue date", DAY),
        ),
        purposes="新生儿出生登记(申报户口)、参保登记和生育津贴办理",
    ),
    _basic(
        PERSON,
        "GZ-WJW",
        "计划生育信息",
        "Family planning",
        "生育登记、独生子女父母光荣证和计划生育奖励扶助信息(GZ 21(5))。",
        (
            *_person(),
            _i("婚姻状况", "Marital status", S, 2),
            _i("生育登记类别", "Birth registration type", S, 2),
            _i("生育登记日期", "Birth registration date", DAY),
            _i("子女数", "Number of children", INT),
            _i("独生子女父母光荣证编号", "Only-child parents' certificate number", S, 20),
            _i("奖励扶助类别", "Family planning benefit category", S, 2),
        ),
        purposes="计划生育奖励扶助、退休待遇核定和入学积分中的生育情况核验",
    ),
    _basic(
        CERT,
        "GZ-WJW",
        "医师执业证书信息",
        "Physician practising certificate",
        "医师执业注册及《医师执业证书》电子证照信息(GZ 21(12))。",
        (
            *_person(),
            _i("医师执业证书编码", "Certificate number", S, 15),
            _i("执业类别", "Practice category", S, 2),
            _i("执业范围", "Scope of practice", S, 50),
            _i("主要执业机构", "Principal institution", S, 200),
            _i("注册日期", "Registration date", DAY),
            _i("发证机关", "Issuing authority", S, 100),
        ),
        fmt=ResourceFormat.SERVICE_INTERFACE,
        purposes="医疗机构监管、医保定点管理中的执业资格核验",
    ),
    _basic(
        PERSON,
        "GZ-RSJ",
        "社会保险参保信息",
        "Social insurance enrolment",
        "职工和城乡居民基本养老、医疗、工伤、失业、生育保险的参保登记信息(GZ 21(6))。",
        (
            *_person(),
            _i("险种类型", "Insurance type", S, 3),
            _i("参保状态", "Enrolment status", S, 2),
            _i("参保日期", "Enrolment date", DAY),
            _i("参保单位名称", "Employer", S, 200),
            _i("参保单位统一社会信用代码", "Employer's unified social credit code", S, 18),
            _i("参保地行政区划代码", "Insured area code", S, 6),
        ),
        purposes="就业创业补贴、入学和积分入户资格、医疗救助中核验参保状态",
    ),
    _basic(
        CERT,
        "GZ-RSJ",
        "专业技术人员职业资格证书信息",
        "Professional qualification certificates",
        "专业技术人员职业资格证书和职称证书信息(GZ 21(12))。",
        (
            *_person(),
            _i("证书编号", "Certificate number", S, 30),
            _i("资格名称", "Qualification", S, 100),
            _i("资格级别", "Level", S, 20),
            _i("专业", "Speciality", S, 100),
            _i("取得日期", "Date obtained", DAY),
            _i("发证机关", "Issuing authority", S, 100),
        ),
        fmt=ResourceFormat.SERVICE_INTERFACE,
        purposes="人才引进、招投标和行政许可中的资格核验",
    ),
    _basic(
        PERSON,
        "GZ-JYJ",
        "学籍信息",
        "Student enrolment records",
        "本市中小学和中等职业学校学生的学籍信息(GZ 21(7))。",
        (
            *_person(),
            _i("全国学籍号", "National student number", S, 19),
            _i("学校名称", "School", S, 200),
            _i("学校标识码", "School identifier", S, 10),
            _i("年级", "Grade", S, 2),
            _i("学籍状态", "Enrolment status", S, 2),
            _i("入学日期", "Date of enrolment", DAY),
        ),
        cycle=UpdateCycle.DAILY,
        purposes="教育资助、随迁子女积分入学和户籍业务中核验在读状态",
    ),
    _basic(
        PERSON,
        "GZ-JYJ",
        "学历信息",
        "Educational attainment",
        "普通高等学校、中等职业学校毕业生的学历信息(GZ 21(7))。",
        (
            *_person(),
            _i("学历层次", "Level of education", S, 2),
            _i("毕业学校", "Institution", S, 200),
            _i("专业", "Speciality", S, 100),
            _i("毕业日期", "Graduation date", DAY),
            _i("毕业证书编号", "Diploma number", S, 30),
        ),
        cycle=UpdateCycle.MONTHLY,
        purposes="人才引进入户、职业资格报考和就业补贴中核验学历",
    ),
    _basic(
        PERSON,
        "GZ-CL",
        "残疾人证信息",
        "Disability certificate",
        "第二代《中华人民共和国残疾人证》的办证、换证和注销信息(GZ 21(8))。",
        (
            *_person(),
            _i("残疾人证号", "Disability certificate number", S, 20),
            _i("残疾类别", "Disability category", S, 2),
            _i("残疾等级", "Disability grade", S, 2),
            _i("发证日期", "Issue date", DAY),
            _i("有效期截止日期", "Valid until", DAY),
            _i("证件状态", "Certificate status", S, 2),
        ),
        purposes="困难残疾人生活补贴、重度残疾人护理补贴和公共交通优惠的资格核验",
    ),
    _basic(
        PERSON,
        "GZ-GJJ",
        "住房公积金缴存信息",
        "Housing provident fund contributions",
        "职工住房公积金个人账户的缴存登记信息(GZ 21(9))。",
        (
            *_person(),
            _i("个人公积金账号", "Personal account number", S, 20),
            _i("单位名称", "Employer", S, 200),
            _i("单位统一社会信用代码", "Employer's unified social credit code", S, 18),
            _i("缴存状态", "Contribution status", S, 2),
            _i("月缴存额", "Monthly contribution (CNY)", DEC, 12),
            _i("缴存基数", "Contribution base (CNY)", DEC, 12),
            _i("最近缴存年月", "Last contribution month", S, 6),
        ),
        purposes="住房保障、人才安居和积分入户中核验缴存状态",
    ),
    _basic(
        PERSON,
        "GZ-SWJ",
        "个人所得税纳税信息",
        "Individual income tax payments",
        "个人所得税年度纳税汇总信息(GZ 21(10));明细见个人所得税纳税明细信息。",
        (
            *_person(),
            _i("纳税年度", "Tax year", INT, 4),
            _i("所得项目", "Income category", S, 50),
            _i("应纳税额", "Tax payable (CNY)", DEC, 14),
            _i("已缴税额", "Tax paid (CNY)", DEC, 14),
            _i("主管税务机关", "Competent tax office", S, 100),
        ),
        cycle=UpdateCycle.MONTHLY,
        purposes="人才引进、积分入户和购房资格中核验纳税记录",
    ),
]

# --- GZ 23: legal persons and other organisations ---------------------------------------------

LEGAL_PERSONS = [
    _basic(
        LEGAL,
        "GZ-SCJ",
        "企业登记信息",
        "Enterprise registration",
        "企业设立、变更、注销登记信息(GZ 23(1))。",
        (
            _uscc(),
            _i("企业名称", "Enterprise name", S, 200),
            _i("企业类型", "Enterprise type", S, 4),
            _i("法定代表人", "Legal representative", S, 50),
            _i("注册资本", "Registered capital (CNY 10k)", DEC, 18),
            _i("成立日期", "Date of establishment", DAY),
            _i("住所", "Domicile", S, 200),
            _i("经营范围", "Business scope", S, 2000),
            _i("登记机关", "Registration authority", S, 100),
            _i("登记状态", "Registration status", S, 2),
        ),
        open_type=OpenType.OPEN,
        purposes="行政许可、税务登记、社保和公积金开户、政府采购中核验企业主体资格",
    ),
    _basic(
        LEGAL,
        "GZ-SCJ",
        "个体工商户登记信息",
        "Individual business registration",
        "个体工商户注册、变更、注销登记信息(GZ 23(1))。",
        (
            _uscc(),
            _i("名称", "Trade name", S, 200),
            _i("经营者姓名", "Operator's name", S, 50),
            _i("组成形式", "Form", S, 2, desc="个人经营、家庭经营"),
            _i("经营场所", "Business premises", S, 200),
            _i("经营范围", "Business scope", S, 2000),
            _i("注册日期", "Registration date", DAY),
            _i("登记状态", "Registration status", S, 2),
        ),
        purposes="行政许可、税务登记和社会救助家庭经济状况核对",
    ),
    _basic(
        LEGAL,
        "GZ-SCJ",
        "法人和其他组织统一社会信用代码信息",
        "Unified social credit codes",
        "市场监管、民政、事业单位登记管理等登记管理部门赋予法人和其他组织的统一社会信用代码(GZ 23(5))。",
        (
            _uscc(),
            _i("机构名称", "Organisation name", S, 200),
            _i("机构类型", "Organisation type", S, 2),
            _i("登记管理部门", "Registration authority", S, 100),
            _i("赋码日期", "Date code assigned", DAY),
            _i("代码状态", "Code status", S, 2),
            _i("住所", "Domicile", S, 200),
        ),
        open_type=OpenType.OPEN,
        purposes="各类政务服务和监管中统一标识法人和其他组织",
    ),
    _basic(
        LEGAL,
        "GZ-SWJ",
        "企业税务登记信息",
        "Enterprise tax registration",
        "企业纳税人的税务登记(信息确认)信息(GZ 23(2))。",
        (
            _uscc(),
            _i("纳税人名称", "Taxpayer name", S, 200),
            _i("登记注册类型", "Registration type", S, 3),
            _i("法定代表人", "Legal representative", S, 50),
            _i("生产经营地址", "Business address", S, 200),
            _i("主管税务机关", "Competent tax office", S, 100),
            _i("纳税人状态", "Taxpayer status", S, 2),
            _i("登记日期", "Registration date", DAY),
            _i("一般纳税人资格", "General VAT taxpayer", BOOL),
        ),
        purposes="企业开办、注销联办和政府采购资格审查",
    ),
    _basic(
        LEGAL,
        "GZ-MZJ",
        "社会组织登记信息",
        "Social organisation registration",
        "社会团体、民办非企业单位(社会服务机构)、基金会的登记信息(GZ 23(3))。",
        (
            _uscc(),
            _i("社会组织名称", "Organisation name", S, 200),
            _i("组织类型", "Organisation type", S, 2),
            _i("法定代表人", "Legal representative", S, 50),
            _i("业务主管单位", "Supervising unit", S, 100),
            _i("住所", "Domicile", S, 200),
            _i("业务范围", "Scope of activities", S, 1000),
            _i("成立登记日期", "Date of registration", DAY),
            _i("登记状态", "Registration status", S, 2),
            _i("登记管理机关", "Registration authority", S, 100),
        ),
        open_type=OpenType.OPEN,
        purposes="政府购买服务、公益慈善活动监管和税收优惠资格审核",
    ),
    _basic(
        LEGAL,
        "GZ-ZSJ",
        "事业单位登记信息",
        "Public institution registration",
        "事业单位设立、变更、注销登记信息,由事业单位登记管理机关采集核准,汇入市法人基础数据库提供(GZ 14, 23(4))。",
        (
            _uscc(),
            _i("单位名称", "Institution name", S, 200),
            _i("法定代表人", "Legal representative", S, 50),
            _i("举办单位", "Sponsor", S, 200),
            _i("经费来源", "Source of funding", S, 2),
            _i("开办资金", "Start-up funds (CNY 10k)", DEC, 18),
            _i("宗旨和业务范围", "Purpose and scope", S, 1000),
            _i("住所", "Domicile", S, 200),
            _i("登记状态", "Registration status", S, 2),
        ),
        purposes="财政、社保和公积金开户中核验事业单位主体资格",
    ),
]

# --- GZ 24: natural resources and spatial geography ----------------------------------------------

NATURAL_RESOURCES = [
    _basic(
        NATURE,
        "GZ-GHZY",
        "宗地基础信息",
        "Land parcels",
        "全市国有和集体土地宗地的位置、面积、用途和权利类型(GZ 24)。",
        (
            _i("宗地代码", "Parcel code", S, 19, key=True, desc="GB/T 13923 宗地代码"),
            _i("坐落", "Location", S, 200),
            _i("宗地面积", "Area (m²)", DEC, 14),
            _i("土地用途", "Land use", S, 4),
            _i("土地权利类型", "Type of land right", S, 2),
            _i("使用期限截止日期", "Term of use ends", DAY),
            _i("所在行政区划代码", "Administrative area code", S, 6),
            _i("空间范围", "Geometry (WKT)", S, 20000),
        ),
        open_type=OpenType.CONDITIONAL,
        open_conditions="去除权利人信息后依申请开放",
        purposes="用地审批、规划许可和不动产登记",
    ),
    _basic(
        NATURE,
        "GZ-GHZY",
        "控制性详细规划地块信息",
        "Regulatory detailed plan parcels",
        "经批准的控制性详细规划地块及其规划指标(GZ 24 城乡规划)。",
        (
            _i("地块编码", "Plot code", S, 30, key=True),
            _i("规划管理单元", "Planning unit", S, 50),
            _i("用地性质", "Land use class", S, 10),
            _i("用地面积", "Area (m²)", DEC, 14),
            _i("容积率", "Floor area ratio", DEC, 6),
            _i("建筑密度", "Building coverage (%)", DEC, 6),
            _i("绿地率", "Green space ratio (%)", DEC, 6),
            _i("批复文号", "Approval document number", S, 50),
            _i("批复日期", "Approval date", DAY),
        ),
        fmt=ResourceFormat.IMAGE,
        cycle=UpdateCycle.AS_NEEDED,
        open_type=OpenType.OPEN,
        purposes="建设项目选址、规划条件核发和公共服务设施布局",
    ),
    _basic(
        NATURE,
        "GZ-GHZY",
        "采矿权登记信息",
        "Mining rights",
        "采矿许可证及矿区范围信息(GZ 24 矿产)。",
        (
            _i("采矿许可证号", "Mining licence number", S, 30, key=True),
            _i("采矿权人", "Holder", S, 200),
            _i("矿山名称", "Mine", S, 200),
            _i("开采矿种", "Mineral", S, 50),
            _i("矿区面积", "Area (km²)", DEC, 12),
            _i("有效期起始日期", "Valid from", DAY),
            _i("有效期截止日期", "Valid until", DAY),
        ),
        cycle=UpdateCycle.MONTHLY,
        purposes="安全生产、生态环境监管和矿山地质环境治理",
    ),
    _basic(
        NATURE,
        "GZ-STHJ",
        "环境空气质量监测信息",
        "Ambient air quality monitoring",
        "国控、省控和市控空气质量自动监测站的小时监测数据(GZ 24 环境保护)。",
        (
            _i("监测站点编码", "Station code", S, 10, key=True),
            _i("站点名称", "Station name", S, 100),
            _i("监测时间", "Observation time", TIME),
            _i("PM2.5浓度", "PM2.5 (µg/m³)", DEC, 8),
            _i("PM10浓度", "PM10 (µg/m³)", DEC, 8),
            _i("臭氧浓度", "O3 (µg/m³)", DEC, 8),
            _i("二氧化氮浓度", "NO2 (µg/m³)", DEC, 8),
            _i("空气质量指数", "AQI", INT),
            _i("首要污染物", "Primary pollutant", S, 20),
        ),
        fmt=ResourceFormat.SERVICE_INTERFACE,
        open_type=OpenType.OPEN,
        purposes="重污染天气应急、交通管制和健康提示",
    ),
    _basic(
        NATURE,
        "GZ-STHJ",
        "地表水水质监测信息",
        "Surface water quality monitoring",
        "河流、湖库监测断面的水质监测数据(GZ 24 水、环境保护)。",
        (
            _i("监测断面编码", "Section code", S, 10, key=True),
            _i("断面名称", "Section name", S, 100),
            _i("所在水体", "Water body", S, 100),
            _i("监测日期", "Sampling date", DAY),
            _i("水质类别", "Water quality class", S, 4),
            _i("溶解氧", "Dissolved oxygen (mg/L)", DEC, 8),
            _i("氨氮", "Ammonia nitrogen (mg/L)", DEC, 8),
            _i("总磷", "Total phosphorus (mg/L)", DEC, 8),
        ),
        cycle=UpdateCycle.MONTHLY,
        open_type=OpenType.OPEN,
        purposes="河长制考核、黑臭水体治理和饮用水源保护",
        stage="approved",
        age=9,
    ),
    _basic(
        NATURE,
        "GZ-ZSJ",
        "气象观测信息",
        "Meteorological observations",
        "全市国家级和区域自动气象站的逐小时观测数据,由气象主管机构采集核准,汇入市自然资源和空间地理基础数据库提供(GZ 14, 24 气象)。",
        (
            _i("区站号", "Station number", S, 5, key=True),
            _i("站点名称", "Station name", S, 100),
            _i("观测时间", "Observation time", TIME),
            _i("气温", "Air temperature (°C)", DEC, 5),
            _i("相对湿度", "Relative humidity (%)", INT),
            _i("小时降水量", "Hourly precipitation (mm)", DEC, 6),
            _i("风向", "Wind direction (°)", INT),
            _i("风速", "Wind speed (m/s)", DEC, 5),
            _i("本站气压", "Station pressure (hPa)", DEC, 7),
        ),
        fmt=ResourceFormat.SERVICE_INTERFACE,
        open_type=OpenType.OPEN,
        purposes="防汛防风、城市运行监测和突发事件应急处置",
    ),
]

# --- departmental information -------------------------------------------------------------------

DEPARTMENTAL = [
    _dept(
        "GZ-GAJ",
        "机动车驾驶证信息",
        "Driving licences",
        "机动车驾驶人的驾驶证核发、换证和记分信息。",
        (
            *_person(police=True, direct=True),
            _i("驾驶证档案编号", "File number", S, 12),
            _i("准驾车型", "Vehicle classes", S, 10, direct=True),
            _i("初次领证日期", "First issue date", DAY),
            _i("有效期截止日期", "Valid until", DAY),
            _i("驾驶证状态", "Licence status", S, 2, direct=True),
            _i("累积记分", "Penalty points", INT),
        ),
        sharing=COND,
        basis="《中华人民共和国道路交通安全法》;《机动车驾驶证申领和使用规定》",
        basis_kind=BasisKind.LAW,
        conditions="用于营运驾驶员从业资格核验、交通事故处理和保险理赔协查;使用部门经市公安局审核同意,记分信息仅限交通管理相关部门",
        purposes="网约车和道路运输从业资格审核",
    ),
    _dept(
        "GZ-GAJ",
        "刑事案件侦查信息",
        "Criminal investigation case files",
        "刑事案件立案、侦查过程中形成的案件信息,不予共享,仅可申请核实案件是否存在及办理状态。",
        (
            _i("案件编号", "Case number", S, 30, key=True),
            _i("案件类别", "Case category", S, 4),
            _i("立案日期", "Date case opened", DAY),
            _i("办案单位", "Investigating unit", S, 100),
            _i("案件状态", "Case status", S, 2),
        ),
        sharing=NONE,
        basis="《中华人民共和国刑事诉讼法》:侦查活动中知悉的案件情况和个人隐私依法保密",
        basis_kind=BasisKind.LAW,
        method=SharingMethod.VERIFICATION_ONLY,
        cycle=UpdateCycle.REAL_TIME,
    ),
    _dept(
        "GZ-MZJ",
        "养老机构备案信息",
        "Elderly care institutions",
        "养老机构的备案、床位和运营信息。",
        (
            _uscc(),
            _i("机构名称", "Institution name", S, 200),
            _i("机构性质", "Ownership", S, 2),
            _i("床位数", "Beds", INT),
            _i("地址", "Address", S, 200),
            _i("备案日期", "Filing date", DAY),
            _i("运营状态", "Operating status", S, 2),
        ),
        open_type=OpenType.OPEN,
        cycle=UpdateCycle.MONTHLY,
        purposes="养老服务补贴发放、消防和食品安全监管",
        stage="approved",
        age=10,
    ),
    _dept(
        "YX-MZJ",
        "越秀区临时救助信息",
        "Yuexiu temporary assistance",
        "越秀区各街道审批发放的临时救助信息。",
        (
            *_person(direct=True),
            _i("救助事由", "Reason for assistance", S, 200),
            _i("救助金额", "Amount (CNY)", DEC, 10),
            _i("救助日期", "Date granted", DAY, direct=True),
            _i("审批街道", "Approving sub-district", S, 100),
        ),
        sharing=COND,
        basis="《社会救助暂行办法》(国务院令第649号)",
        basis_kind=BasisKind.ADMINISTRATIVE_REGULATION,
        conditions="限于社会救助和医疗救助业务中防止重复救助;使用部门对救助对象信息保密",
        cycle=UpdateCycle.WEEKLY,
        method=SharingMethod.FILE,
        fmt=ResourceFormat.SPREADSHEET,
    ),
    _dept(
        "GZ-WJW",
        "医疗机构执业许可信息",
        "Medical institution licences",
        "医疗机构执业登记和《医疗机构执业许可证》信息。",
        (
            _uscc(),
            _i("机构名称", "Institution name", S, 200),
            _i("登记号", "Registration number", S, 30),
            _i("法定代表人", "Legal representative", S, 50),
            _i("诊疗科目", "Clinical departments", S, 1000),
            _i("地址", "Address", S, 200),
            _i("有效期截止日期", "Valid until", DAY),
            _i("发证机关", "Issuing authority", S, 100),
        ),
        open_type=OpenType.OPEN,
        purposes="医保定点协议管理和医疗广告审查",
    ),
    _dept(
        "GZ-WJW",
        "居民电子健康档案信息",
        "Electronic health records",
        "基层医疗卫生机构建立的居民电子健康档案;建档信息可直接获取,健康状况项须申请。",
        (
            *_person(direct=True),
            _i("建档日期", "Date record opened", DAY, direct=True),
            _i("建档机构", "Record-keeping institution", S, 200, direct=True),
            _i("血型", "Blood group", S, 2),
            _i("过敏史", "Allergies", S, 500),
            _i("慢性病史", "Chronic conditions", S, 500),
            _i("签约家庭医生", "Contracted family doctor", S, 50),
        ),
        sharing=COND,
        basis="《中华人民共和国基本医疗卫生与健康促进法》;《中华人民共和国个人信息保护法》(健康信息属敏感个人信息)",
        basis_kind=BasisKind.LAW,
        conditions="限于医疗保障、工伤认定、残疾评定和社会救助等法定职责需要,逐项申请并经市卫生健康委审核同意",
        purposes="工伤认定、残疾评定、医疗救助",
    ),
    _dept(
        "GZ-WJW",
        "卫生健康统计调查原始资料",
        "Health statistics survey returns",
        "医疗卫生机构报送的卫生健康统计调查原始报表,不予共享;统计汇总结果另行发布。",
        (
            _uscc(),
            _i("机构名称", "Institution name", S, 200),
            _i("统计报表名称", "Return", S, 100),
            _i("报告期", "Reporting period", S, 10),
            _i("填报人", "Filed by", S, 50),
            _i("填报日期", "Filing date", DAY),
        ),
        sharing=NONE,
        basis="《中华人民共和国统计法》:统计调查中获得的能够识别或者推断单个统计调查对象身份的资料,不得对外提供、泄露,不得用于统计以外的目的",
        basis_kind=BasisKind.LAW,
        method=SharingMethod.VERIFICATION_ONLY,
        cycle=UpdateCycle.QUARTERLY,
    ),
    _dept(
        "GZ-RSJ",
        "社会保险缴费信息",
        "Social insurance contributions",
        "参保人员按月缴费明细;参保人、险种和缴费状态可直接获取,缴费基数和金额须申请。",
        (
            *_person(direct=True),
            _i("险种类型", "Insurance type", S, 3, direct=True),
            _i("费款所属期", "Contribution month", S, 6),
            _i("缴费基数", "Contribution base (CNY)", DEC, 12),
            _i("个人缴费金额", "Employee contribution (CNY)", DEC, 12),
            _i("单位缴费金额", "Employer contribution (CNY)", DEC, 12),
            _i("缴费状态", "Payment status", S, 2, direct=True),
            _i("累计缴费月数", "Months contributed", INT),
        ),
        sharing=COND,
        basis="《中华人民共和国社会保险法》第八十一条:依法为用人单位和个人的信息保密",
        basis_kind=BasisKind.LAW,
        conditions="用于社会救助家庭经济状况核对、人才引进和积分入户审核、住房保障资格审核;使用部门经市人力资源社会保障局审核同意后按申请用途使用",
        related=("社会保险参保信息",),
        cycle=UpdateCycle.MONTHLY,
        purposes="积分入户缴费年限核验、住房保障资格审核",
    ),
    _dept(
        "GZ-RSJ",
        "就业失业登记信息",
        "Employment and unemployment registration",
        "劳动者就业登记、失业登记和《就业创业证》信息。",
        (
            *_person(),
            _i("登记类型", "Registration type", S, 2),
            _i("就业创业证号", "Employment certificate number", S, 20),
            _i("登记日期", "Registration date", DAY),
            _i("用工单位名称", "Employer", S, 200),
            _i("登记机构", "Registering office", S, 100),
        ),
        purposes="失业保险金申领、就业补贴和社会救助中的就业状况核验",
    ),
    _dept(
        "YX-RSJ",
        "越秀区就业困难人员认定信息",
        "Yuexiu persons with employment difficulties",
        "越秀区认定的就业困难人员及其援助措施。",
        (
            *_person(),
            _i("困难类别", "Category", S, 2),
            _i("认定日期", "Date recognised", DAY),
            _i("认定有效期截止日期", "Recognition valid until", DAY),
            _i("认定街道", "Recognising sub-district", S, 100),
        ),
        cycle=UpdateCycle.WEEKLY,
        stage="submitted",
        age=3,
    ),
    _dept(
        "GZ-JYJ",
        "民办学校办学许可信息",
        "Private school licences",
        "民办学校的设立审批和《民办学校办学许可证》信息。",
        (
            _uscc(),
            _i("学校名称", "School", S, 200),
            _i("办学许可证号", "Licence number", S, 30),
            _i("举办者", "Sponsor", S, 200),
            _i("办学层次", "Level", S, 20),
            _i("办学地址", "Address", S, 200),
            _i("有效期截止日期", "Valid until", DAY),
        ),
        open_type=OpenType.OPEN,
        cycle=UpdateCycle.MONTHLY,
    ),
    _dept(
        "GZ-JYJ",
        "学生资助信息",
        "Student financial aid",
        "家庭经济困难学生的资助项目和金额。",
        (
            *_person(),
            _i("学校名称", "School", S, 200),
            _i("资助项目", "Aid programme", S, 50),
            _i("资助金额", "Amount (CNY)", DEC, 10),
            _i("资助学年", "School year", S, 9),
        ),
        sharing=COND,
        basis="《中华人民共和国个人信息保护法》",
        basis_kind=BasisKind.LAW,
        conditions="按需申请",
        cycle=UpdateCycle.QUARTERLY,
        stage="returned",
        age=25,
        comment="共享依据只列法律名称,请写明条款(不满十四周岁未成年人的个人信息属敏感个人信息);共享条件“按需申请”过于笼统,请写明可申请的部门和用途;资助项目可单列为直接共享的信息项。",
    ),
    _dept(
        "TH-JYJ",
        "天河区义务教育入学报名信息",
        "Tianhe compulsory education admissions",
        "天河区公办、民办义务教育学校的入学报名和资格审核信息。",
        (
            *_person(),
            _i("监护人公民身份号码", "Guardian's citizen ID number", S, 18),
            _i("报名类别", "Application category", S, 2),
            _i("报名学校", "School applied to", S, 200),
            _i("报名日期", "Application date", DAY),
            _i("审核状态", "Review status", S, 2, direct=True),
        ),
        sharing=COND,
        basis="《中华人民共和国未成年人保护法》;《中华人民共和国个人信息保护法》:处理不满十四周岁未成年人个人信息应当取得监护人同意并严格保护",
        basis_kind=BasisKind.LAW,
        conditions="限于入学资格审核中核对户籍、居住证、社保缴费和房产材料的部门,在招生期内使用",
        cycle=UpdateCycle.DAILY,
        stage="approved",
        age=7,
    ),
    _dept(
        "GZ-CL",
        "残疾人康复服务信息",
        "Rehabilitation services for disabled persons",
        "残疾人康复评估、辅具适配和康复训练服务及补贴信息。",
        (
            *_person(),
            _i("残疾人证号", "Disability certificate number", S, 20, direct=True),
            _i("康复服务项目", "Service", S, 100),
            _i("服务机构", "Provider", S, 200),
            _i("服务开始日期", "Start date", DAY),
            _i("服务结束日期", "End date", DAY),
            _i("补贴金额", "Subsidy (CNY)", DEC, 10),
        ),
        sharing=COND,
        basis="《中华人民共和国残疾人保障法》;《残疾预防和残疾人康复条例》",
        basis_kind=BasisKind.LAW,
        conditions="用于医疗保障、社会救助和教育部门开展残疾人帮扶;使用部门经市残联审核同意",
        cycle=UpdateCycle.MONTHLY,
        stage="submitted",
        age=2,
    ),
    _dept(
        "GZ-GJJ",
        "住房公积金个人贷款信息",
        "Housing provident fund loans",
        "住房公积金个人住房贷款的发放和还款信息;借款人和还款状态可直接获取,金额须申请。",
        (
            *_person(direct=True),
            _i("贷款合同编号", "Loan contract number", S, 30),
            _i("贷款金额", "Loan amount (CNY)", DEC, 14),
            _i("贷款期限", "Term (months)", INT),
            _i("贷款余额", "Outstanding balance (CNY)", DEC, 14),
            _i("还款状态", "Repayment status", S, 2, direct=True),
            _i("抵押房屋坐落", "Mortgaged property", S, 200),
        ),
        sharing=COND,
        basis="《住房公积金管理条例》",
        basis_kind=BasisKind.ADMINISTRATIVE_REGULATION,
        conditions="限于住房保障资格审核、社会救助家庭经济状况核对和不动产抵押登记;使用部门经市住房公积金管理中心审核同意",
        related=("住房公积金缴存信息",),
        cycle=UpdateCycle.DAILY,
    ),
    _dept(
        "GZ-GJJ",
        "住房公积金单位登记信息",
        "Housing provident fund employers",
        "缴存住房公积金的单位的登记和缴存情况。",
        (
            _uscc(),
            _i("单位名称", "Employer", S, 200),
            _i("单位公积金账号", "Employer account number", S, 20),
            _i("单位缴存比例", "Contribution rate (%)", DEC, 5),
            _i("缴存人数", "Contributing employees", INT),
            _i("开户日期", "Account opened", DAY),
            _i("账户状态", "Account status", S, 2),
        ),
        cycle=UpdateCycle.MONTHLY,
    ),
    _dept(
        "GZ-GJJ",
        "住房公积金提取信息",
        "Housing provident fund withdrawals",
        "职工提取住房公积金的原因、金额和审批信息。",
        (
            *_person(),
            _i("提取原因", "Reason for withdrawal", S, 2),
            _i("提取金额", "Amount (CNY)", DEC, 14),
            _i("提取日期", "Date", DAY),
            _i("审批网点", "Approving branch", S, 100),
        ),
        sharing=COND,
        basis="《住房公积金管理条例》",
        basis_kind=BasisKind.ADMINISTRATIVE_REGULATION,
        conditions="限于住房保障和租赁补贴审核中核对提取记录",
        stage="draft",
    ),
    _dept(
        "GZ-SWJ",
        "个人所得税纳税明细信息",
        "Individual income tax details",
        "按月扣缴申报的个人所得税明细;纳税人身份可直接核验,收入和税额须申请。",
        (
            *_person(direct=True),
            _i("所属期", "Tax period", S, 6),
            _i("扣缴义务人名称", "Withholding agent", S, 200),
            _i("扣缴义务人统一社会信用代码", "Withholding agent's credit code", S, 18),
            _i("所得项目", "Income category", S, 50),
            _i("收入额", "Income (CNY)", DEC, 14),
            _i("应纳税额", "Tax payable (CNY)", DEC, 14),
            _i("已缴税额", "Tax paid (CNY)", DEC, 14),
        ),
        sharing=COND,
        basis="《中华人民共和国税收征收管理法》第八条:税务机关应当依法为纳税人、扣缴义务人的情况保密",
        basis_kind=BasisKind.LAW,
        conditions="限于社会救助家庭经济状况核对、人才认定和法院执行协助;使用部门经市税务局审核同意,按申请用途使用",
        related=("个人所得税纳税信息",),
        cycle=UpdateCycle.MONTHLY,
    ),
    _dept(
        "GZ-SWJ",
        "企业纳税信用等级信息",
        "Enterprise tax credit ratings",
        "纳税信用年度评价结果。",
        (
            _uscc(),
            _i("纳税人名称", "Taxpayer name", S, 200),
            _i("评价年度", "Year rated", INT, 4),
            _i("信用等级", "Rating", S, 1, desc="A、B、M、C、D"),
            _i("评价日期", "Date rated", DAY),
        ),
        sharing=COND,
        basis="《纳税信用管理办法(试行)》(国家税务总局公告2014年第40号)",
        basis_kind=BasisKind.RULE,
        conditions="用于守信联合激励和失信联合惩戒、政府采购资格审查;使用部门经市税务局审核同意",
        cycle=UpdateCycle.YEARLY,
        fmt=ResourceFormat.SPREADSHEET,
        method=SharingMethod.FILE,
    ),
    _dept(
        "GZ-SWJ",
        "涉税检举人信息",
        "Tax whistle-blowers",
        "涉税违法行为检举的受理和检举人信息,不予共享。",
        (
            _i("检举案件编号", "Report number", S, 30, key=True),
            _i("检举人姓名", "Whistle-blower's name", S, 50),
            _i("检举人联系方式", "Whistle-blower's contact", S, 50),
            _i("被检举对象名称", "Reported party", S, 200),
            _i("受理日期", "Date received", DAY),
            _i("办理结果", "Outcome", S, 2),
        ),
        sharing=NONE,
        basis="《中华人民共和国税收征收管理法》第十三条:收到检举的机关和负责查处的机关应当为检举人保密",
        basis_kind=BasisKind.LAW,
        method=SharingMethod.VERIFICATION_ONLY,
    ),
    _dept(
        "GZ-SCJ",
        "市场监管行政处罚信息",
        "Market regulation administrative penalties",
        "市场监管部门作出的行政处罚决定信息。",
        (
            _uscc(),
            _i("当事人名称", "Party", S, 200),
            _i("行政处罚决定书文号", "Decision number", S, 50),
            _i("违法行为类型", "Type of violation", S, 100),
            _i("处罚依据", "Legal basis", S, 500),
            _i("处罚内容", "Penalty", S, 500),
            _i("罚没款金额", "Fines and confiscations (CNY)", DEC, 14),
            _i("处罚决定日期", "Decision date", DAY),
            _i("处罚机关", "Deciding authority", S, 100),
        ),
        open_type=OpenType.OPEN,
        purposes="信用监管、政府采购和评优评先资格审查",
    ),
    _dept(
        "GZ-SCJ",
        "食品经营行政许可信息",
        "Food business licences",
        "食品经营许可的核发、变更、延续和注销信息。",
        (
            _uscc(),
            _i("经营者名称", "Business", S, 200),
            _i("许可证编号", "Licence number", S, 20),
            _i("经营项目", "Licensed activities", S, 500),
            _i("经营场所", "Premises", S, 200),
            _i("有效期截止日期", "Valid until", DAY),
            _i("发证机关", "Issuing authority", S, 100),
        ),
        open_type=OpenType.OPEN,
    ),
    _dept(
        "TH-SCJ",
        "天河区市场主体住所核查信息",
        "Tianhe registered address inspections",
        "天河区对市场主体住所(经营场所)的实地核查结果。",
        (
            _uscc(),
            _i("市场主体名称", "Market entity", S, 200),
            _i("核查地址", "Address inspected", S, 200),
            _i("核查日期", "Inspection date", DAY),
            _i("核查结果", "Result", S, 2),
            _i("核查人员", "Inspectors", S, 100),
        ),
        cycle=UpdateCycle.WEEKLY,
        stage="draft",
    ),
    _dept(
        "GZ-GHZY",
        "不动产登记信息",
        "Real estate registration",
        "不动产首次、转移、变更、抵押和查封登记信息;坐落、权利类型和用途可直接获取。",
        (
            _i("不动产单元号", "Real estate unit number", S, 28, key=True),
            _i("不动产权证书号", "Title certificate number", S, 50),
            _i("坐落", "Location", S, 200, direct=True),
            _i("权利人名称", "Right holder", S, 200),
            _i("权利人证件号码", "Right holder's ID number", S, 18),
            _i("权利类型", "Type of right", S, 4, direct=True),
            _i("用途", "Use", S, 4, direct=True),
            _i("面积", "Area (m²)", DEC, 14),
            _i("登记日期", "Registration date", DAY),
            _i("抵押状态", "Mortgaged", BOOL),
            _i("查封状态", "Seized", BOOL),
        ),
        sharing=COND,
        basis="《不动产登记暂行条例》(国务院令第656号):有关国家机关可以依照法律、行政法规的规定查询、复制与调查处理事项有关的不动产登记资料",
        basis_kind=BasisKind.ADMINISTRATIVE_REGULATION,
        conditions="限于司法、税务、住房保障、社会救助等部门依法履职查询;按不动产单元号或权利人证件号码逐件查询,不得批量获取",
        related=("宗地基础信息",),
        cycle=UpdateCycle.REAL_TIME,
        purposes="住房保障资格审核、社会救助家庭财产核对、存量房交易计税",
    ),
    _dept(
        "GZ-GHZY",
        "建设工程规划许可信息",
        "Building works planning permits",
        "建设工程规划许可证的核发信息。",
        (
            _i("建设工程规划许可证号", "Planning permit number", S, 30, key=True),
            _i("建设单位", "Developer", S, 200),
            _i("建设单位统一社会信用代码", "Developer's credit code", S, 18),
            _i("项目名称", "Project", S, 200),
            _i("建设位置", "Site", S, 200),
            _i("建设规模", "Floor area (m²)", DEC, 14),
            _i("发证日期", "Issue date", DAY),
        ),
        open_type=OpenType.OPEN,
        related=("控制性详细规划地块信息",),
        stage="overdue",
    ),
    _dept(
        "GZ-STHJ",
        "排污许可信息",
        "Pollutant discharge permits",
        "排污单位的排污许可证核发和执行信息。",
        (
            _uscc(),
            _i("单位名称", "Discharger", S, 200),
            _i("排污许可证编号", "Permit number", S, 30),
            _i("行业类别", "Industry", S, 100),
            _i("主要污染物类别", "Main pollutants", S, 200),
            _i("生产经营场所地址", "Site address", S, 200),
            _i("有效期截止日期", "Valid until", DAY),
            _i("发证机关", "Issuing authority", S, 100),
        ),
        open_type=OpenType.OPEN,
        purposes="环境执法、绿色信贷和环保税征收",
    ),
    _dept(
        "GZ-STHJ",
        "建设项目环境影响评价审批信息",
        "Environmental impact assessment approvals",
        "建设项目环境影响报告书(表)的审批信息。",
        (
            _i("项目代码", "Investment project code", S, 24, key=True),
            _i("项目名称", "Project", S, 200),
            _i("建设单位", "Developer", S, 200),
            _i("建设地点", "Site", S, 200),
            _i("环评文件类型", "Assessment document type", S, 2),
            _i("审批文号", "Approval number", S, 50),
            _i("审批日期", "Approval date", DAY),
        ),
        open_type=OpenType.OPEN,
    ),
    _dept(
        "GZ-SFJ",
        "律师执业信息",
        "Lawyers' practice records",
        "律师执业许可、执业机构和年度考核信息。",
        (
            *_person(),
            _i("执业证号", "Practising certificate number", S, 17),
            _i("执业机构", "Law firm", S, 200),
            _i("执业类别", "Practice type", S, 2),
            _i("首次执业日期", "First licensed", DAY),
            _i("执业状态", "Status", S, 2),
            _i("年度考核结果", "Annual assessment", S, 2),
        ),
        open_type=OpenType.OPEN,
        purposes="法律援助指派、政府法律顾问遴选和诉讼代理资格核验",
    ),
    _dept(
        "GZ-SFJ",
        "社区矫正对象信息",
        "Community corrections",
        "社区矫正对象的矫正类别、期限和执行地;矫正状态可直接核验。",
        (
            *_person(),
            _i("矫正类别", "Correction type", S, 2),
            _i("矫正起始日期", "Start date", DAY),
            _i("矫正结束日期", "End date", DAY),
            _i("执行地司法所", "Supervising justice office", S, 100),
            _i("矫正状态", "Status", S, 2, direct=True),
        ),
        sharing=COND,
        basis="《中华人民共和国社区矫正法》:社区矫正对象的身份信息和个人隐私依法保护",
        basis_kind=BasisKind.LAW,
        conditions="限于公安、检察和出入境管理部门依法履职;使用部门经市司法局审核同意",
    ),
    _dept(
        "GZ-LSJ",
        "来穗人员积分制服务管理信息",
        "Migrant points-based services",
        "来穗人员积分申请、积分分值和入户、入学排名结果。",
        (
            *_person(),
            _i("积分年度", "Year", INT, 4),
            _i("积分分值", "Points", DEC),
            _i("积分排名", "Rank", INT),
            _i("申请类别", "Application type", S, 2),
            _i("申请结果", "Outcome", S, 2),
        ),
        sharing=COND,
        basis="《广州市来穗人员积分制服务管理规定》",
        basis_kind=BasisKind.RULE,
        conditions="按需申请",
        cycle=UpdateCycle.YEARLY,
        stage="returned",
        age=20,
        comment="共享条件“按需申请”不明确,请写明可申请使用的部门、用途和审核时限;“积分分值”请注明数据长度和小数位数;请核对共享依据的文号。",
    ),
]

# --- thematic information (ZS 13: a lead department) -----------------------------------------

THEMATIC_ENTRIES = [
    _Spec(
        "GZ-MZJ",
        "社会救助主题库",
        "Social assistance (thematic)",
        "汇集最低生活保障、特困供养、临时救助和医疗救助对象信息,服务社会救助“一门受理、协同办理”。",
        (
            *_person(direct=True),
            _i("救助类别", "Assistance type", S, 2, direct=True),
            _i("救助状态", "Assistance status", S, 2, direct=True),
            _i("家庭人口数", "Household size", INT),
            _i("家庭月人均收入", "Monthly income per head (CNY)", DEC, 10),
            _i("救助起始日期", "Start date", DAY),
            _i("救助金额", "Amount (CNY)", DEC, 10),
            _i("审批部门", "Approving office", S, 100),
        ),
        kind=THEMATIC,
        lead="GZ-MZJ",
        sharing=COND,
        basis="《社会救助暂行办法》(国务院令第649号)",
        basis_kind=BasisKind.ADMINISTRATIVE_REGULATION,
        conditions="限于社会救助、医疗救助、教育救助和住房救助业务;使用部门经市民政局审核同意,并对救助对象信息保密",
        related=("最低生活保障信息", "越秀区临时救助信息"),
        purposes="社会救助协同办理和救助对象精准认定",
    ),
    _Spec(
        "GZ-ZSJ",
        "市场主体信用主题库",
        "Market entity credit (thematic)",
        "汇集企业登记、行政处罚、纳税信用和经营异常信息,支撑信用监管和联合奖惩。",
        (
            _uscc(),
            _i("主体名称", "Entity name", S, 200),
            _i("登记状态", "Registration status", S, 2),
            _i("纳税信用等级", "Tax credit rating", S, 1),
            _i("行政处罚次数", "Administrative penalties", INT),
            _i("经营异常名录标识", "On the abnormal operations list", BOOL),
            _i("严重违法失信名单标识", "On the serious violations list", BOOL),
            _i("更新时间", "Updated at", TIME),
        ),
        kind=THEMATIC,
        lead="GZ-SCJ",
        related=("企业登记信息", "市场监管行政处罚信息", "企业纳税信用等级信息"),
        fmt=ResourceFormat.SERVICE_INTERFACE,
        purposes="信用分级分类监管、政府采购和财政资金申报审查",
    ),
]

SPECS: list[_Spec] = [
    *NATURAL_PERSONS,
    *LEGAL_PERSONS,
    *NATURAL_RESOURCES,
    *DEPARTMENTAL,
    *THEMATIC_ENTRIES,
]


# --- loading ----------------------------------------------------------------------------------


def _key_type(items: tuple[DataItemIn, ...]) -> tuple[SubjectKeyType, str]:
    key = next(i.name for i in items if i.is_subject_key)
    if key == "公民身份号码":
        return SubjectKeyType.RESIDENT_ID, ""
    if key == "统一社会信用代码":
        return SubjectKeyType.CREDIT_CODE, ""
    return SubjectKeyType.CUSTOM, key


def _input(spec: _Spec, depts: dict[str, Department], codes: dict[str, str]) -> ResourceIn:
    key_type, key_name = _key_type(spec.items)
    provider = depts[spec.dept]
    personal = key_type == SubjectKeyType.RESIDENT_ID
    return ResourceIn(
        department_id=provider.id,
        name=spec.name,
        name_en=spec.name_en,
        abstract=spec.abstract,
        catalogue_kind=spec.kind,
        basic_category=spec.category,
        thematic_lead_department_id=depts[spec.lead].id if spec.lead else None,
        format=spec.fmt,
        subject_key_type=key_type,
        subject_key_name=key_name,
        sharing_type=spec.sharing,
        sharing_conditions=spec.conditions,
        sharing_basis=spec.basis,
        sharing_basis_kind=spec.basis_kind,
        sharing_method=spec.method or SharingMethod.INTERFACE,
        sharing_scope=SCOPES[spec.sharing],
        purposes=spec.purposes,
        open_type=spec.open_type,
        open_conditions=spec.open_conditions,
        update_cycle=spec.cycle,
        related_codes=[codes[name] for name in spec.related],
        use_requirements="" if spec.sharing == NONE else USE_REQUIREMENTS,
        collecting_department_id=depts[spec.collector or spec.dept].id,
        approving_department_id=provider.id,
        data_classification=(
            ("个人信息" if spec.sharing == SharingType.UNCONDITIONAL else "敏感个人信息")
            if personal
            else ""
        ),
        items=list(spec.items),
    )


class _Days:
    """Working-day arithmetic relative to today, never past today."""

    def __init__(self, session: Session, today: date) -> None:
        self.session, self.today = session, today

    def workday(self, day: date) -> date:
        """The day itself or the next working day; the previous one when that would pass today."""
        forward = day
        while not calendar.is_working_day(self.session, forward):
            forward += timedelta(days=1)
        if forward <= self.today:
            return forward
        return self.before(day + timedelta(days=1))

    def before(self, day: date) -> date:
        """The last working day before the day."""
        day -= timedelta(days=1)
        while not calendar.is_working_day(self.session, day):
            day -= timedelta(days=1)
        return day

    def ago(self, days: int) -> date:
        return self.workday(self.today - timedelta(days=days))

    def after(self, day: date, n: int) -> date:
        return min(calendar.add_working_days(self.session, day, n), self.today)

    def overdue_submission(self) -> date:
        """A day whose review is past the authority's deadline today (GZ 8: 15 working days)."""
        deadline = get_active_profile().catalogue.authority_review.working_days or 0
        day = self.ago(35)
        while calendar.add_working_days(self.session, day, deadline) >= self.today:
            day = self.before(day)
        return day


def _staff(name: str, dept: Department) -> Actor:
    """A staff member of another department, who may dispute a sharing type."""
    return Actor(
        kind=ActorKind.USER,
        id=None,
        name=name,
        method=Method.CLI,
        department_id=dept.id,
        roles=frozenset({"staff"}),
    )


def load(session: Session, *, depts: dict[str, Department], today: date) -> dict[str, int]:
    """Loads the demo catalogue through the catalogue service; returns the number of entries per status."""
    actor = Actor.operator("demo")
    days = _Days(session, today)
    codes: dict[str, str] = {}
    ids: dict[str, int] = {}
    for n, spec in enumerate(SPECS):
        resource = service.create_resource(session, actor=actor, data=_input(spec, depts, codes))
        codes[spec.name], ids[spec.name] = resource.code, resource.id
        if spec.stage == "draft":
            continue
        if spec.stage == "overdue":
            submitted = days.overdue_submission()
        else:
            # published entries were submitted over the first months, basic information first
            submitted = days.ago(spec.age or 125 - 8 * (n % 7) - n // 7)
        service.submit(session, actor=actor, resource_id=resource.id, today=submitted)
        if spec.stage == "returned":
            service.return_entry(
                session,
                actor=actor,
                resource_id=resource.id,
                comment=spec.comment,
                today=days.after(submitted, 6),
            )
        elif spec.stage in ("approved", "published"):
            approved = days.after(submitted, 3 if spec.stage == "published" else 2)
            service.approve(session, actor=actor, resource_id=resource.id, today=approved)
            if spec.stage == "published":
                service.publish(
                    session,
                    actor=actor,
                    resource_ids=[resource.id],
                    today=days.after(approved, 1),
                )

    _amend_minimum_living_allowance(session, actor, depts, days, ids["最低生活保障信息"])
    _disputes(session, actor, depts, days, ids)
    # GZ 8: the tax service took over collecting social insurance fees and has not yet updated
    # its catalogue; registered after its last submission, so it stays open and overdue.
    service.register_change_event(
        session,
        actor=actor,
        department_id=depts["GZ-SWJ"].id,
        kind=ChangeEventKind.FUNCTION_CHANGED,
        description="社会保险费征收职责划转税务部门,需在目录中增列社会保险费征缴信息",
        occurred_on=days.ago(45),
        today=days.ago(43),
    )
    for code, ago, note in (
        ("GZ-GAJ", 20, "年度全面梳理:户籍、死亡登记信息项与业务系统一致,无需调整"),
        ("GZ-RSJ", 15, "年度全面梳理:社会保险缴费信息的直接共享项已复核"),
        ("GZ-SCJ", 12, "年度全面梳理:新增食品经营许可信息项核对完毕"),
    ):
        service.record_full_review(
            session, actor=actor, department_id=depts[code].id, today=days.ago(ago), note=note
        )

    session.flush()
    rows = session.execute(select(Resource.status, func.count()).group_by(Resource.status))
    found = {str(status): int(n) for status, n in rows}
    return {str(status): found.get(str(status), 0) for status in ResourceStatus}


def _amend_minimum_living_allowance(
    session: Session, actor: Actor, depts: dict[str, Department], days: _Days, resource_id: int
) -> None:
    """A law amended (GZ 8): civil affairs updates its entry in time; the submission resolves the event."""
    service.register_change_event(
        session,
        actor=actor,
        department_id=depts["GZ-MZJ"].id,
        kind=ChangeEventKind.LAW_AMENDED,
        description="《广东省最低生活保障制度实施办法》修订:增列低保边缘家庭,调整家庭经济状况核对项目",
        occurred_on=days.ago(40),
        today=days.ago(38),
    )
    current = service.as_input(service.get_resource(session, resource_id=resource_id))
    amended = current.model_copy(
        update={
            "abstract": "城乡最低生活保障对象和低保边缘家庭及其保障金发放信息(GZ 21(6))。",
            "items": [
                *current.items,
                _i("低保边缘家庭标识", "Low-income marginal household", BOOL),
            ],
        }
    )
    service.update_resource(session, actor=actor, resource_id=resource_id, data=amended)
    submitted = days.ago(30)
    service.submit(session, actor=actor, resource_id=resource_id, today=submitted)
    approved = days.after(submitted, 2)
    service.approve(session, actor=actor, resource_id=resource_id, today=approved)
    service.publish(session, actor=actor, resource_ids=[resource_id], today=days.after(approved, 1))


def _disputes(
    session: Session, actor: Actor, depts: dict[str, Department], days: _Days, ids: dict[str, int]
) -> None:
    """One sharing-type dispute decided by the authority, one still open (ZS 10; ZZ 18)."""
    decided = service.raise_dispute(
        session,
        actor=_staff("市市场监管局 信用监管科 李明", depts["GZ-SCJ"]),
        resource_id=ids["企业纳税信用等级信息"],
        requested_type=SharingType.UNCONDITIONAL,
        reason="纳税信用A级纳税人名单依法向社会公布,信用监管需批量比对评价结果,逐次申请影响联合奖惩时效",
        today=days.ago(50),
    )
    service.decide_dispute(
        session,
        actor=actor,
        dispute_id=decided.id,
        decided_type=SharingType.UNCONDITIONAL,
        reason="评价结果已依法公开,不宜列为有条件共享;改为无条件共享",
        today=days.ago(41),
    )
    service.raise_dispute(
        session,
        actor=_staff("市来穗局 积分管理科 陈洁", depts["GZ-LSJ"]),
        resource_id=ids["社会保险缴费信息"],
        requested_type=SharingType.UNCONDITIONAL,
        reason="积分制入户须核验社会保险缴费年限,每年数万件逐件申请影响办理时效;申请将累计缴费月数列为直接共享",
        today=days.ago(6),
    )
