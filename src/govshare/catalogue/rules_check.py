"""The legal rules a catalogue entry must satisfy before it is saved (GZ 9, 10, 20; ZS 10, 17, 20; ZZ 13)."""

from __future__ import annotations

from govshare.catalogue.enums import CatalogueKind, SharingType, SubjectKeyType
from govshare.catalogue.schemas import ResourceIn
from govshare.kit.errors import Invalid
from govshare.profiles.schema import Profile


class RuleViolations(Invalid):
    """One or more rules broken; every problem is listed (field and reason)."""

    code = "catalogue_rules"


def problems_of(data: ResourceIn, profile: Profile) -> list[tuple[str, str]]:
    """Every (field, reason) that keeps the entry from being saved, citing the profile's articles."""
    rules = profile.catalogue
    out: list[tuple[str, str]] = []
    if data.contains_state_secret:
        out.append(
            (
                "contains_state_secret",
                "a resource holding state secrets cannot be entered on the platform (GZ 20; ZS 17)",
            )
        )
    if data.catalogue_kind == CatalogueKind.BASIC:
        if data.basic_category is None:
            out.append(
                (
                    "basic_category",
                    "a basic-information resource names its category (natural person, legal person, natural resources, electronic certificate)",
                )
            )
        if rules.basic_unconditional.enabled and data.sharing_type != SharingType.UNCONDITIONAL:
            out.append(
                (
                    "sharing_type",
                    f"basic information is shared unconditionally [{rules.basic_unconditional.citation()}]",
                )
            )
    elif data.basic_category is not None:
        out.append(("basic_category", "only a basic-information resource has a basic category"))
    if data.catalogue_kind == CatalogueKind.THEMATIC and data.thematic_lead_department_id is None:
        out.append(
            ("thematic_lead_department_id", "a thematic resource names its lead department (ZS 13)")
        )
    if data.sharing_type == SharingType.CONDITIONAL:
        if rules.conditional_requires_basis.enabled and not data.sharing_basis.strip():
            out.append(
                (
                    "sharing_basis",
                    f"conditional sharing states its basis [{rules.conditional_requires_basis.citation()}]",
                )
            )
        if rules.conditional_requires_conditions.enabled and not data.sharing_conditions.strip():
            out.append(
                (
                    "sharing_conditions",
                    f"conditional sharing states its conditions [{rules.conditional_requires_conditions.citation()}]",
                )
            )
    if data.sharing_type == SharingType.NONE:
        accepted = rules.no_sharing_basis.accepted
        if not data.sharing_basis.strip():
            out.append(
                (
                    "sharing_basis",
                    f"no sharing cites the law, regulation or policy it rests on [{rules.no_sharing_basis.citation()}]",
                )
            )
        if accepted and data.sharing_basis_kind not in accepted:
            kinds = ", ".join(accepted)
            out.append(
                (
                    "sharing_basis_kind",
                    f"no sharing rests on one of: {kinds} [{rules.no_sharing_basis.citation()}]",
                )
            )
    if data.subject_key_type == SubjectKeyType.CUSTOM and not data.subject_key_name.strip():
        out.append(("subject_key_name", "a resource keyed by its own key names that key"))
    keys = [i.name for i in data.items if i.is_subject_key]
    if len(keys) != 1:
        out.append(("items", f"exactly one data item is the subject key (found {len(keys)})"))
    names = [i.name.strip() for i in data.items]
    if len(set(names)) != len(names):
        out.append(("items", "data item names are unique within a resource"))
    for n, item in enumerate(data.items, start=1):
        if item.sharing_type is None or item.sharing_type == data.sharing_type:
            continue
        if not (
            data.sharing_type == SharingType.CONDITIONAL
            and item.sharing_type == SharingType.UNCONDITIONAL
        ):
            out.append(
                (
                    f"items.{n}.sharing_type",
                    "only a conditional resource may share some items unconditionally (GZ 9)",
                )
            )
    grades = profile.classification.grades
    if (
        data.data_grade is not None
        and not grades.silent
        and data.data_grade not in {g.level for g in grades.levels}
    ):
        out.append(
            (
                "data_grade",
                f"the grade is one of {[g.level for g in grades.levels]} [{grades.citation()}]",
            )
        )
    return out


def check(data: ResourceIn, profile: Profile) -> None:
    """Raises RuleViolations listing every problem, or returns."""
    found = problems_of(data, profile)
    if found:
        message = "; ".join(f"{field}: {reason}" for field, reason in found)
        raise RuleViolations(message, problems=[{"field": f, "message": r} for f, r in found])
