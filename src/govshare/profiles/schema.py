"""The jurisdiction profile: every number and branch that differs between the regulations.

A profile is one TOML file (see ``data/``). Every rule in it is a small model that cites
its article (``article = "GZ 26"``) and may quote the text. Where a text says nothing,
the rule says so explicitly with ``silent = true`` and a ``note`` saying where one looked;
it never carries a made-up number. What the platform does when a rule is silent is
documented in ``docs/profiles.md``: services either refuse the action
(``Deadline.require_working_days``) or use the documented default (``Flag.enabled``).

All models refuse unknown keys (``extra="forbid"``) and do not coerce types
(``strict=True``), so a misspelt key or ``working_days = "5"`` is an error naming the key.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from govshare.kit.errors import Invalid

T = TypeVar("T")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Cited(_Model):
    """A rule taken from a text: the article it comes from, optionally a short quote and a note."""

    article: str | None = Field(default=None, min_length=1)
    quote: str | None = None
    note: str | None = None

    def citation(self) -> str:
        """The article, or a marker that the text has no rule here."""
        return self.article or ("(text silent)" if self.is_silent else "(no article)")

    @property
    def is_silent(self) -> bool:
        """Whether the text leaves this rule open."""
        return bool(getattr(self, "silent", False))

    def describe(self) -> str:
        """A short human description of the rule's own value (nested rules describe themselves)."""
        return "silent" if self.is_silent else ""

    def _silent_or(self, *, present: bool, what: str) -> None:
        # The common shape of a rule: a value (named `what`) or `silent = true`, never both.
        silent = self.is_silent
        if silent == present:
            raise ValueError(f"set either {what} or silent = true (not both, not neither)")
        self._require_citation(silent=silent)

    def _require_citation(self, *, silent: bool) -> None:
        # A rule the text states must cite it; a silent rule must say where one looked.
        if not silent and not self.article:
            raise ValueError("article is required unless silent = true")
        if silent and not self.note:
            raise ValueError("a silent rule needs a note saying what the text does (not) say")


class Deadline(Cited):
    """A time limit: N working days, N calendar days, real time, or silent (no limit in the text).

    ``working_days`` also holds limits the text words as "business days" (ZS); ``wording``
    records the text's own words so that nothing is lost.
    """

    working_days: int | None = Field(default=None, ge=0)
    calendar_days: int | None = Field(default=None, ge=0)
    real_time: bool = False
    silent: bool = False
    wording: str | None = None
    counted_from: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Deadline:
        kinds = [
            self.working_days is not None,
            self.calendar_days is not None,
            self.real_time,
            self.silent,
        ]
        if sum(kinds) != 1:
            raise ValueError(
                "set exactly one of working_days, calendar_days, real_time = true, silent = true"
            )
        self._require_citation(silent=self.silent)
        return self

    @property
    def kind(self) -> Literal["working_days", "calendar_days", "real_time", "silent"]:
        """Which kind of limit this is."""
        if self.working_days is not None:
            return "working_days"
        if self.calendar_days is not None:
            return "calendar_days"
        if self.real_time:
            return "real_time"
        return "silent"

    def require_working_days(self, what: str) -> int:
        """The limit in working days; Invalid when the profile sets none (refuse the action)."""
        if self.working_days is not None:
            return self.working_days
        reason = {
            "calendar_days": f"counted in calendar days ({self.calendar_days})",
            "real_time": "to be met in real time, not in working days",
            "silent": "not set: the text is silent",
        }[self.kind]
        detail = f" ({self.note})" if self.note else ""
        raise Invalid(
            f"{what}: the profile's deadline is {reason} [{self.citation()}]{detail}",
            code="profile_silent",
        )

    def describe(self) -> str:
        """A short human description, e.g. ``5 working days (business days)``."""
        if self.working_days is not None:
            text = f"{self.working_days} working days"
        elif self.calendar_days is not None:
            text = f"{self.calendar_days} calendar days"
        elif self.real_time:
            text = "real time"
        else:
            text = "silent"
        if self.wording:
            text += f" ({self.wording})"
        return text


class Choice(Cited, Generic[T]):
    """A branch the text decides: ``value``, or ``silent = true`` with no value."""

    value: T | None = None
    silent: bool = False

    @model_validator(mode="after")
    def _value_or_silent(self) -> Choice[T]:
        self._silent_or(present=self.value is not None, what="value")
        return self

    def describe(self) -> str:
        """The value, or ``silent``."""
        return "silent" if self.silent else str(self.value)


class Flag(Choice[bool]):
    """A yes/no rule. Silent flags read as False (``enabled``): the documented default."""

    @property
    def enabled(self) -> bool:
        """True only where the text says so."""
        return self.value is True

    def describe(self) -> str:
        """``yes``, ``no`` or ``silent``."""
        if self.silent:
            return "silent"
        return "yes" if self.value else "no"


class Interval(Cited):
    """A recurring duty, e.g. "at least once a year" = ``months = 12``."""

    months: int | None = Field(default=None, ge=1)
    silent: bool = False
    wording: str | None = None

    @model_validator(mode="after")
    def _months_or_silent(self) -> Interval:
        self._silent_or(present=self.months is not None, what="months")
        return self

    def describe(self) -> str:
        """E.g. ``every 12 months``."""
        text = "silent" if self.months is None else f"every {self.months} months"
        return f"{text} ({self.wording})" if self.wording else text


CatalogueField = Literal[
    "name",
    "content",
    "classification",
    "form",
    "format",
    "attributes",
    "sharing_type",
    "sharing_basis",
    "sharing_conditions",
    "sharing_method",
    "sharing_scope",
    "update_cycle",
    "purposes",
    "use_requirements",
    "sample_data",
    "responsible_subject",
    "collecting_department",
    "approving_department",
    "providing_department",
    "release_date",
]


class FieldList(Cited):
    """A list of catalogue fields the text requires, or silent."""

    fields: list[CatalogueField] = []
    silent: bool = False

    @model_validator(mode="after")
    def _fields_or_silent(self) -> FieldList:
        self._silent_or(present=bool(self.fields), what="fields")
        if len(set(self.fields)) != len(self.fields):
            raise ValueError("fields are listed twice")
        return self

    def describe(self) -> str:
        """The fields, comma-separated."""
        return "silent" if self.silent else ", ".join(self.fields)


LegalBasis = Literal[
    "law", "administrative_regulation", "local_regulation", "rule", "central_policy"
]


class BasisList(Cited):
    """Which legal instruments may ground a "no sharing" classification."""

    accepted: list[LegalBasis] = []
    silent: bool = False

    @model_validator(mode="after")
    def _accepted_or_silent(self) -> BasisList:
        self._silent_or(present=bool(self.accepted), what="accepted")
        return self

    def describe(self) -> str:
        """The accepted bases, comma-separated."""
        return "silent" if self.silent else ", ".join(self.accepted)


# --- catalogue ------------------------------------------------------------------------------


class CatalogueRules(_Model):
    """Resource catalogue and sharing directory (GZ 8-11; ZS 8-11; ZZ 13-16; JS 9-10)."""

    department_update: Deadline
    authority_review: Deadline
    full_review: Interval
    basic_unconditional: Flag
    conditional_requires_basis: Flag
    conditional_requires_conditions: Flag
    no_sharing_basis: BasisList
    catalogue_fields: FieldList
    directory_fields: FieldList


class Grade(_Model):
    """One data grade as a custom profile may define it (no shipped text defines grades)."""

    level: int = Field(ge=1)
    name: str = Field(min_length=1)
    description: str | None = None
    encrypt_at_rest: bool
    open_data: Literal["allowed", "after_desensitisation", "never"]


class GradeScale(Cited):
    """The grades of the data classification, or silent."""

    levels: list[Grade] = []
    silent: bool = False

    @model_validator(mode="after")
    def _levels_or_silent(self) -> GradeScale:
        self._silent_or(present=bool(self.levels), what="levels")
        numbers = [g.level for g in self.levels]
        if numbers != sorted(set(numbers)):
            raise ValueError("levels must be listed once each, in increasing order")
        return self

    def describe(self) -> str:
        """The grades, e.g. ``1 public, 2 internal``."""
        if self.silent:
            return "silent"
        return ", ".join(f"{g.level} {g.name}" for g in self.levels)


class ClassificationRules(_Model):
    """Data classification and grading (ZS 8, 33)."""

    grading_required: Flag
    grades: GradeScale


# --- data -----------------------------------------------------------------------------------


class UpdateException(Cited):
    """What a provider that cannot update in time must do, and the fallback limit if any."""

    silent: bool = False
    requires: Literal["authority_approval", "report_with_evidence", "inform_authority"] | None = (
        None
    )
    fallback: Deadline | None = None
    period: Literal["quarter"] | None = None

    @model_validator(mode="after")
    def _requires_or_silent(self) -> UpdateException:
        self._silent_or(present=self.requires is not None, what="requires")
        if self.silent and (self.fallback is not None or self.period is not None):
            raise ValueError("a silent exception has no fallback and no period")
        return self

    def describe(self) -> str:
        """E.g. ``authority_approval, per quarter``."""
        if self.requires is None:
            return "silent"
        return f"{self.requires}, per {self.period}" if self.period else self.requires


class DataRules(_Model):
    """Connected data: update deadlines, divergence, subject identifiers (GZ 18-22; ZS 17-18)."""

    update_basic: Deadline
    update_other: Deadline
    update_exception: UpdateException
    divergence_resolved_by: Choice[Literal["authority", "collecting_department"]]
    subject_keys_mandatory: Flag
    person_name_and_id_required: Flag


# --- sharing and applications ---------------------------------------------------------------


class SharingRules(_Model):
    """Taking data (GZ 25-26; ZS 19-22; ZZ 17-19; JS 13, 17-19)."""

    unconditional_direct: Flag
    verification_cooperation: Flag
    public_security_unconditional: Flag
    minimum_necessary: Flag
    refusal_only_on_legal_grounds: Flag
    state_secret_allowed: Flag
    confidentiality_agreement_required: Flag


class Silence(Cited):
    """What a provider's silence on an application means."""

    effect: Literal["deemed_consent", "authority_provides"] | None = None
    silent: bool = False
    provide_within: Deadline | None = None

    @model_validator(mode="after")
    def _effect_or_silent(self) -> Silence:
        self._silent_or(present=self.effect is not None, what="effect")
        if (self.effect == "authority_provides") != (self.provide_within is not None):
            raise ValueError("provide_within is required for, and only for, authority_provides")
        return self

    def describe(self) -> str:
        """E.g. ``deemed_consent`` or ``authority_provides within 5 working days``."""
        if self.effect is None:
            return "silent"
        if self.provide_within is not None:
            return f"{self.effect} within {self.provide_within.describe()}"
        return self.effect


class ApplicationRules(_Model):
    """Applications for conditional data (GZ 26-27; ZS 22, 24; ZZ 18; JS 14, 18)."""

    response: Deadline
    response_secret_or_privacy: Deadline | None = None
    refusal_reasons_required: Flag
    refusal_reported_to_authority: Flag
    on_silence: Silence
    delivery: Deadline
    cross_level_route: Choice[Literal["same_procedure", "via_authority"]]

    def response_deadline(self, *, involves_secret_or_privacy: bool) -> Deadline:
        """The response limit for an application (JS 18 sets one only for secrets / privacy)."""
        if involves_secret_or_privacy and self.response_secret_or_privacy is not None:
            return self.response_secret_or_privacy
        return self.response


# --- quality --------------------------------------------------------------------------------


class VerificationRequestRules(_Model):
    """Verification requests (核查) about a shared value (GZ 30, 33; ZS 23; ZZ 21)."""

    answer: Deadline
    answered_by: Choice[Literal["provider", "authority_with_provider", "authority"]]
    correct_with_answer: Flag
    party_not_sent_to_provider: Flag
    handle_on_valid_documents: Flag


class ErrorReportRules(_Model):
    """Error reports (差错报备, GZ 31)."""

    filing_required: Flag
    filing: Deadline
    consumer_not_liable: Flag


# --- organisation ---------------------------------------------------------------------------

PersonnelRole = Literal[
    "first_responsible_person", "responsible_agency", "data_administrator", "sharing_contact"
]


class RoleList(Cited):
    """The people and bodies a department must name, or silent."""

    roles: list[PersonnelRole] = []
    silent: bool = False

    @model_validator(mode="after")
    def _roles_or_silent(self) -> RoleList:
        self._silent_or(present=bool(self.roles), what="roles")
        return self

    def describe(self) -> str:
        """The roles, comma-separated."""
        return "silent" if self.silent else ", ".join(self.roles)


class PersonnelRules(_Model):
    """The personnel registry (GZ 6, 17; ZS 33; JS 30)."""

    roles: RoleList
    published_to_departments: Flag
    change_notice: Deadline
    notify_to: Choice[Literal["platform_operator", "authority"]]
    notice_in_writing: Flag


# --- supervision ----------------------------------------------------------------------------


class ComplaintRules(_Model):
    """Complaints about a department (GZ 36; ZZ 32)."""

    answer: Deadline
    answer_in_writing: Flag


RectificationGround = Literal[
    "data_not_gathered",
    "catalogue_not_compiled_or_updated",
    "data_not_connected",
    "data_inconsistent",
    "data_not_updated",
    "data_not_standard",
    "misuse",
    "refusing_decision",
    "refusing_or_delaying_provision",
    "data_concealed",
    "processes_not_reengineered",
    "secret_data_connected",
    "rights_infringed",
    "repeated_materials",
    "false_data",
    "paid_sharing",
    "duplicate_investment",
    "other",
]


class Ground(Cited):
    """One ground for a rectification notice, from the article's list."""

    key: RectificationGround
    text: str = Field(min_length=1)

    @model_validator(mode="after")
    def _cited(self) -> Ground:
        self._require_citation(silent=False)
        return self

    def describe(self) -> str:
        """``key: text``."""
        return f"{self.key}: {self.text}"


class RectificationRules(_Model):
    """Rectification notices (GZ 43; ZS 38; ZZ 32; JS 33)."""

    grounds: list[Ground] = Field(min_length=1)
    deadline: Deadline
    escalate_to: Choice[Literal["people_government"]]

    @model_validator(mode="after")
    def _unique_grounds(self) -> RectificationRules:
        keys = [g.key for g in self.grounds]
        if len(set(keys)) != len(keys):
            raise ValueError("a ground key is listed twice")
        return self


class Weights(Cited):
    """Evaluation weights per metric, or silent (the documented default: equal weights)."""

    values: dict[str, float] = {}
    silent: bool = False

    @model_validator(mode="after")
    def _values_or_silent(self) -> Weights:
        self._silent_or(present=bool(self.values), what="values")
        if any(v < 0 for v in self.values.values()):
            raise ValueError("weights must not be negative")
        return self

    def describe(self) -> str:
        """``metric=weight`` pairs."""
        if self.silent:
            return "silent"
        return ", ".join(f"{k}={v:g}" for k, v in self.values.items())


class EvaluationRules(_Model):
    """Evaluation of departments (GZ 35; ZS 34; ZZ 31; JS 29)."""

    period: Interval
    results_published: Flag
    metrics_named: Choice[list[str]]
    weights: Weights


class ReportRule(Cited):
    """An annual report: who submits it to whom, due by the end of which month of the next year."""

    silent: bool = False
    due_by_end_of_month: int | None = Field(default=None, ge=1, le=12)
    on_request_only: bool = False
    submit_to: Literal["authority", "people_government"] | None = None
    published_to_public: bool = False

    @model_validator(mode="after")
    def _due_or_silent(self) -> ReportRule:
        if self.silent:
            if self.due_by_end_of_month is not None or self.on_request_only:
                raise ValueError("a silent report has no due month and is not on request")
        elif self.due_by_end_of_month is None and not self.on_request_only:
            raise ValueError("set due_by_end_of_month, on_request_only = true, or silent = true")
        self._require_citation(silent=self.silent)
        return self

    def due_date(self, report_year: int) -> dt.date | None:
        """The last day to submit the report on ``report_year`` (None: no fixed date)."""
        if self.due_by_end_of_month is None:
            return None
        year = report_year + 1
        last = calendar.monthrange(year, self.due_by_end_of_month)[1]
        return dt.date(year, self.due_by_end_of_month, last)

    def describe(self) -> str:
        """E.g. ``end of January, to people_government, published``."""
        if self.silent:
            return "silent"
        if self.due_by_end_of_month is None:
            text = "on request only"
        else:
            text = f"end of {calendar.month_name[self.due_by_end_of_month]}"
        if self.submit_to:
            text += f", to {self.submit_to}"
        if self.published_to_public:
            text += ", published"
        return text


class AnnualReportRules(_Model):
    """Annual reports (GZ 37; ZS 35)."""

    department: ReportRule
    authority: ReportRule


class ProjectRules(_Model):
    """Informatization projects (GZ 38; ZS 14; JS 29)."""

    catalogue_for_approval: Flag
    catalogue_for_acceptance: Flag
    sharing_assessed_for_approval: Flag


class MaterialRules(_Model):
    """No repeated materials from the public (GZ 32; ZS 15; ZZ 9, 23; JS 11)."""

    no_repeat_request: Flag
    guides_marked: Flag


class OpenDataRules(_Model):
    """Open data to the public (ZS 26-29; ZZ 20; JS 17)."""

    disclosure: Deadline
    approval_required: Flag
    desensitisation_required: Flag
    provider_consent_required: Flag
    public_feedback: Flag


# --- disputes -------------------------------------------------------------------------------

DisputeKind = Literal[
    "general",
    "application",
    "sharing_type",
    "cross_level",
    "state_secret",
    "trade_secret_or_privacy",
]
Decider = Literal[
    "parties", "authority", "joint_review", "people_government", "secrecy_department", "state_organ"
]


class DisputeStep(Cited):
    """One rung of the ladder: who decides, at which level, and its deadline."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    title_zh: str | None = None
    decided_by: Decider
    level: Literal["same", "municipal"] = "same"
    participants: list[str] = []
    outside_platform: bool = False
    deadline: Deadline

    @model_validator(mode="after")
    def _cited(self) -> DisputeStep:
        self._require_citation(silent=False)
        return self

    def describe(self) -> str:
        """E.g. ``negotiation: decided by parties``."""
        text = f"{self.key}: decided by {self.decided_by}"
        if self.level != "same":
            text += f" ({self.level} level)"
        if self.outside_platform:
            text += ", outside the platform"
        return text


class DisputeLadder(Cited):
    """An ordered escalation ladder for some kinds of dispute."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    applies_to: list[DisputeKind] = Field(min_length=1)
    steps: list[DisputeStep] = Field(min_length=1)
    provide_after_decision: Deadline
    suspends_grants: Flag

    @model_validator(mode="after")
    def _valid(self) -> DisputeLadder:
        self._require_citation(silent=False)
        keys = [s.key for s in self.steps]
        if len(set(keys)) != len(keys):
            raise ValueError("a step key is used twice")
        return self

    def describe(self) -> str:
        """E.g. ``general, application: negotiation -> coordination -> decision``."""
        steps = " -> ".join(s.key for s in self.steps)
        return f"{self.key} [{', '.join(self.applies_to)}]: {steps}"


class DisputeRules(_Model):
    """Dispute ladders (GZ 28; ZS 10, 37; ZZ 18; JS 13, 19)."""

    ladders: list[DisputeLadder] = []

    @model_validator(mode="after")
    def _kinds_once(self) -> DisputeRules:
        keys = [lad.key for lad in self.ladders]
        if len(set(keys)) != len(keys):
            raise ValueError("a ladder key is used twice")
        seen: set[str] = set()
        for ladder in self.ladders:
            for kind in ladder.applies_to:
                if kind in seen:
                    raise ValueError(f"dispute kind {kind!r} is claimed by two ladders")
                seen.add(kind)
        return self

    def ladder_for(self, kind: DisputeKind) -> DisputeLadder | None:
        """The ladder for this kind of dispute, else the general one, else None (silent)."""
        for wanted in (kind, "general"):
            for ladder in self.ladders:
                if wanted in ladder.applies_to:
                    return ladder
        return None


# --- the profile ----------------------------------------------------------------------------


class Profile(_Model):
    """One jurisdiction's rules."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    title: str = Field(min_length=1)
    title_zh: str | None = None
    jurisdiction: str = Field(min_length=1)
    in_force: dt.date
    source: str = Field(min_length=1)
    source_note: str | None = None
    authority_name: str = Field(min_length=1)
    platform_name: str = Field(min_length=1)

    catalogue: CatalogueRules
    classification: ClassificationRules
    data: DataRules
    sharing: SharingRules
    applications: ApplicationRules
    verification_requests: VerificationRequestRules
    error_reports: ErrorReportRules
    personnel: PersonnelRules
    complaints: ComplaintRules
    rectification: RectificationRules
    evaluation: EvaluationRules
    annual_reports: AnnualReportRules
    projects: ProjectRules
    materials: MaterialRules
    opendata: OpenDataRules
    disputes: DisputeRules
