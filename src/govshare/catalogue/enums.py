"""The vocabularies of a catalogue entry (national catalogue guideline core metadata; GZ 9-11; ZS 8-10)."""

from __future__ import annotations

from enum import StrEnum


class CatalogueKind(StrEnum):
    """Basic, thematic or departmental information (GZ 10; ZS 13)."""

    BASIC = "basic"
    THEMATIC = "thematic"
    DEPARTMENTAL = "departmental"


class BasicCategory(StrEnum):
    """The four kinds of basic information (GZ 10; ZS 13)."""

    NATURAL_PERSON = "natural_person"
    LEGAL_PERSON = "legal_person"
    NATURAL_RESOURCES = "natural_resources"
    E_CERTIFICATE = "e_certificate"


class ResourceFormat(StrEnum):
    """Formats of the guideline: 电子文件 / 电子表格 / 数据库 / 图形图像 / 流媒体 / 自描述格式 / 服务接口."""

    ELECTRONIC_FILE = "electronic_file"
    SPREADSHEET = "spreadsheet"
    DATABASE = "database"
    IMAGE = "image"
    STREAMING = "streaming"
    SELF_DESCRIBING = "self_describing"
    SERVICE_INTERFACE = "service_interface"


class SubjectKeyType(StrEnum):
    """What records are keyed by (GZ 20, 22)."""

    RESIDENT_ID = "resident_id"
    CREDIT_CODE = "credit_code"
    CUSTOM = "custom"


class SharingType(StrEnum):
    """无条件共享 / 有条件共享 / 不予共享 (GZ 9; ZS 10)."""

    UNCONDITIONAL = "unconditional"
    CONDITIONAL = "conditional"
    NONE = "none"


class SharingMethod(StrEnum):
    """How consumers receive the data."""

    INTERFACE = "interface"
    FILE = "file"
    TABLE = "table"
    VERIFICATION_ONLY = "verification_only"


class OpenType(StrEnum):
    """Open attributes, used later by the open-data portal (ZS 26)."""

    OPEN = "open"
    CONDITIONAL = "conditional"
    NOT_OPEN = "not_open"


class UpdateCycle(StrEnum):
    REAL_TIME = "real_time"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"
    AS_NEEDED = "as_needed"


class BasisKind(StrEnum):
    """The kind of legal basis cited for a sharing type (GZ 10: law, administrative regulation, central policy)."""

    LAW = "law"
    ADMINISTRATIVE_REGULATION = "administrative_regulation"
    CENTRAL_POLICY = "central_policy"
    LOCAL_REGULATION = "local_regulation"
    RULE = "rule"
    OTHER = "other"


class DataType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"
    BINARY = "binary"


class ResourceStatus(StrEnum):
    """The catalogue workflow: draft → submitted → returned | approved → published."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    PUBLISHED = "published"

    @classmethod
    def editable(cls) -> frozenset[ResourceStatus]:
        """States in which the provider may edit the entry (a published entry is edited as a new draft)."""
        return frozenset({cls.DRAFT, cls.RETURNED, cls.PUBLISHED})


class ChangeEventKind(StrEnum):
    """What obliges a department to update its catalogue (GZ 8; ZS 11)."""

    LAW_AMENDED = "law_amended"
    FUNCTION_CHANGED = "function_changed"
    OTHER = "other"


class DisputeStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"
