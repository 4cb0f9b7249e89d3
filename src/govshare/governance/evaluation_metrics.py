"""The metrics of the evaluation (GZ 35; ZS 34; ZZ 31; JS 29), computed from the platform's own records.

Each metric is one function over a window (the period, cut at the day of computation) that
returns, per department, a `Figure`: how many records met the measure (numerator) out of how
many it counts (denominator), the score 0-100, and the ids of those records (`met`,
`missed`) so that every figure can be traced back to them. A department with nothing to
measure gets no figure ("not applicable"), never 0. Every metric uses the records' own dates
(the day a resource was published, an application submitted, a notice due...), so that a
past period can be computed at any later time. Items still inside their deadline on the day
of computation are not counted yet: they belong to a later computation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from govshare.audit.models import AuditEntry
from govshare.catalogue.enums import ResourceStatus
from govshare.catalogue.models import ChangeEvent, Resource
from govshare.datastore.models import Connection
from govshare.governance.complaint_models import Complaint, ComplaintState
from govshare.governance.material_models import Material, MaterialState, ServiceGuide
from govshare.governance.rectification_models import RectificationNotice
from govshare.kit.errors import Invalid
from govshare.profiles.service import get_active_profile
from govshare.quality.verification_models import RequestState, VerificationRequest
from govshare.sharing import application_reports as reports
from govshare.sharing.application_models import Application, ApplicationState
from govshare.sharing.models import Grant

CHINA = ZoneInfo("Asia/Shanghai")
# The audit seqs kept as evidence of use per department (the figure counts grants, not entries).
AUDIT_EVIDENCE_LIMIT = 50


@dataclass(frozen=True)
class Window:
    """The days a computation looks at: the period, cut at the day of computation."""

    starts_on: date
    ends_on: date  # the period's last day, or the day of computation if earlier
    today: date  # the day of computation

    def moments(self) -> tuple[datetime, datetime]:
        """The window as UTC instants: from the first day's midnight to the day after the last (China time)."""
        start = datetime.combine(self.starts_on, time(), CHINA).astimezone(UTC)
        end = datetime.combine(self.ends_on + timedelta(days=1), time(), CHINA).astimezone(UTC)
        return start, end


@dataclass
class Figure:
    """One department's figure for one metric and the records behind it."""

    kind: str  # what the ids are: resource, change_event, application, ...
    met: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def numerator(self) -> int:
        return len(self.met)

    @property
    def denominator(self) -> int:
        return len(self.met) + len(self.missed)

    @property
    def score(self) -> float | None:
        """0-100; None when there is nothing to measure."""
        if not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 1)

    def evidence(self) -> dict[str, Any]:
        """What `Score.evidence` stores for the drill-down."""
        return {"kind": self.kind, "met": sorted(self.met), "missed": sorted(self.missed)} | (
            self.extra
        )


Figures = dict[int, Figure]
MetricFn = Callable[[Session, Window], Figures]


def _sort(kind: str, rows: Iterable[tuple[int, int, bool]]) -> Figures:
    """Figures from (department, record id, met) rows."""
    out: Figures = {}
    for dept, record_id, ok in rows:
        fig = out.setdefault(int(dept), Figure(kind))
        (fig.met if ok else fig.missed).append(int(record_id))
    return out


def _day(moment: datetime | None) -> date | None:
    return moment.astimezone(CHINA).date() if moment is not None else None


# --- the metrics -----------------------------------------------------------------------------


def catalogue_completeness(session: Session, window: Window) -> Figures:
    """Catalogue entries filed by the end of the period that were published by then (GZ 8, 11).

    An entry counts from the day it was first published, or else the day it was submitted
    (a returned entry is still filed); an entry never filed (a draft) is not counted.
    """
    stmt = select(
        Resource.department_id,
        Resource.id,
        Resource.status,
        Resource.submitted_on,
        Resource.published_on,
    ).where(or_(Resource.published_on.is_not(None), Resource.submitted_on.is_not(None)))
    rows = []
    for dept, rid, status, submitted, published in session.execute(stmt):
        filed = published or submitted
        if filed is None or filed > window.ends_on:
            continue
        if published is None and status == ResourceStatus.DRAFT:
            continue  # withdrawn to a draft before anything was published
        rows.append((dept, rid, published is not None and published <= window.ends_on))
    return _sort("resource", rows)


def catalogue_timeliness(session: Session, window: Window) -> Figures:
    """Catalogue updates owed after a change (law amended, function changed) made by their due date (GZ 8; ZS 11).

    Only change events with a due date count ("where recorded"): a profile without an update
    limit records none, and the metric is then not applicable.
    """
    stmt = select(
        ChangeEvent.department_id, ChangeEvent.id, ChangeEvent.due_on, ChangeEvent.resolved_on
    ).where(
        ChangeEvent.due_on.is_not(None),
        ChangeEvent.due_on >= window.starts_on,
        ChangeEvent.due_on <= window.ends_on,
        ChangeEvent.due_on < window.today,
    )
    return _sort(
        "change_event",
        (
            (dept, eid, resolved is not None and due is not None and resolved <= due)
            for dept, eid, due, resolved in session.execute(stmt)
        ),
    )


def data_freshness(session: Session, window: Window) -> Figures:
    """Connected resources that were not stale during the period (GZ 19; ZS 18; ZZ 24; JS 15).

    A resource is stale from `Connection.stale_since` until it is updated again; one stale on
    or before the period's last day was stale during it.
    """
    stmt = select(
        Resource.department_id,
        Connection.resource_id,
        Connection.connected_at,
        Connection.stale_since,
    ).join(Resource, Resource.id == Connection.resource_id)
    rows = []
    for dept, rid, connected_at, stale_since in session.execute(stmt):
        connected_on = _day(connected_at)
        if connected_on is None or connected_on > window.ends_on:
            continue
        rows.append((dept, rid, stale_since is None or stale_since > window.ends_on))
    return _sort("resource", rows)


def applications_in_time(session: Session, window: Window) -> Figures:
    """Applications received in the period that the provider answered in time (GZ 26; ZS 22; JS 18).

    The counts are the applications report's (`application_reports.report`): received in the
    period, answered within the deadline. An application still unanswered but not yet due on
    the day of computation is left for a later computation.
    """
    rep = reports.report(session, period_from=window.starts_on, period_until=window.ends_on)
    in_time = reports.COUNTS["answered_in_time"]()
    assert in_time is not None  # a condition, not the whole cohort
    A = Application
    stmt = select(A.provider_department_id, A.id, in_time, A.state, A.due_on).where(
        A.submitted_on >= window.starts_on, A.submitted_on <= window.ends_on
    )
    rows = []
    for dept, aid, ok, state, due in session.execute(stmt):
        if not ok and state == ApplicationState.SUBMITTED and (due is None or due >= window.today):
            continue  # still inside its deadline (or without one): not counted yet
        rows.append((dept, aid, bool(ok)))
    out = _sort("application", rows)
    for r in rep.rows:
        if r.department_id in out:
            out[r.department_id].extra["received"] = r.received
    return out


def verification_requests_in_time(session: Session, window: Window) -> Figures:
    """Verification requests (核查) filed in the period that the provider answered in time (GZ 30; ZS 23; ZZ 21)."""
    V = VerificationRequest
    stmt = select(V.provider_department_id, V.id, V.state, V.due_on, V.answered_on, V.late).where(
        V.filed_on >= window.starts_on,
        V.filed_on <= window.ends_on,
        V.state != RequestState.WITHDRAWN,
    )
    rows = []
    for dept, vid, state, due, answered, late in session.execute(stmt):
        ok = answered is not None and not late and (due is None or answered <= due)
        if not ok and state == RequestState.OPEN and (due is None or due >= window.today):
            continue
        rows.append((dept, vid, ok))
    return _sort("verification_request", rows)


def complaints_upheld(session: Session, window: Window) -> Figures:
    """Complaints against the department answered in the period that were not upheld (GZ 36; ZZ 32).

    The score is the share not upheld; a department nobody complained about has no figure.
    """
    C = Complaint
    stmt = select(C.respondent_department_id, C.id, C.upheld).where(
        C.state == ComplaintState.ANSWERED,
        C.answered_on.is_not(None),
        C.answered_on >= window.starts_on,
        C.answered_on <= window.ends_on,
    )
    return _sort(
        "complaint", ((dept, cid, not upheld) for dept, cid, upheld in session.execute(stmt))
    )


def rectifications_closed(session: Session, window: Window) -> Figures:
    """Rectification notices due by the end of the period that were closed by then (GZ 43; ZS 38; ZZ 32; JS 33).

    A notice counts in every period from its due date until it is settled; one closed or
    escalated before the period began belongs to earlier periods. An escalated notice was
    not rectified.
    """
    N = RectificationNotice
    stmt = select(N.department_id, N.id, N.closed_on, N.escalated_on).where(
        N.due_on <= window.ends_on,
        N.due_on < window.today,
        or_(N.closed_on.is_(None), N.closed_on >= window.starts_on),
        or_(N.escalated_on.is_(None), N.escalated_on >= window.starts_on),
    )
    return _sort(
        "rectification",
        (
            (dept, nid, closed is not None and closed <= window.ends_on and escalated is None)
            for dept, nid, closed, escalated in session.execute(stmt)
        ),
    )


def repeated_materials(session: Session, window: Window) -> Figures:
    """Materials that a shared resource supplies which the service no longer asks for (GZ 32; ZS 15).

    A material with a supplying resource that is still `required` is a repeated material
    left; one removed or marked after the period's end was still asked for during it.
    """
    stmt = (
        select(
            ServiceGuide.department_id,
            Material.id,
            Material.state,
            Material.changed_at,
            ServiceGuide.created_at,
        )
        .join(ServiceGuide, ServiceGuide.id == Material.guide_id)
        .where(Material.resource_id.is_not(None), ServiceGuide.active.is_(True))
    )
    rows = []
    for dept, mid, state, changed_at, created_at in session.execute(stmt):
        created = _day(created_at)
        if created is not None and created > window.ends_on:
            continue
        changed = _day(changed_at)
        dropped = state != MaterialState.REQUIRED and (changed is None or changed <= window.ends_on)
        rows.append((dept, mid, dropped))
    return _sort("material", rows)


def data_use(session: Session, window: Window) -> Figures:
    """Grants in force during the period that the department used (GZ 25; ZZ 31 "use").

    Use is read from the audit log: a `data.query` or `data.verify` entry by one of the
    department's users or systems on the granted resource within the period.
    """
    G = Grant
    start, end = window.moments()
    grants = session.execute(
        select(G.consumer_department_id, G.id, G.resource_id).where(
            G.valid_from <= window.ends_on,
            G.valid_until >= window.starts_on,
            or_(G.revoked_at.is_(None), G.revoked_at >= start),
        )
    ).all()
    if not grants:
        return {}
    used: dict[tuple[int, str], list[int]] = {}
    entries = select(AuditEntry.department_id, AuditEntry.object_id, AuditEntry.seq).where(
        AuditEntry.action.in_(["data.query", "data.verify"]),
        AuditEntry.object_type == "resource",
        and_(AuditEntry.occurred_at >= start, AuditEntry.occurred_at < end),
        AuditEntry.department_id.in_(sorted({int(g[0]) for g in grants})),
    )
    for dept, object_id, seq in session.execute(entries.order_by(AuditEntry.seq)):
        if dept is not None:  # selected on it
            used.setdefault((int(dept), str(object_id)), []).append(int(seq))
    out = _sort("grant", ((dept, gid, (dept, str(rid)) in used) for dept, gid, rid in grants))
    for (dept, _), seqs in used.items():
        if dept in out:
            kept = out[dept].extra.setdefault("audit", [])
            kept.extend(seqs[: AUDIT_EVIDENCE_LIMIT - len(kept)])
    return out


# --- the registry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """A metric: its key, the function, the label shown, and the articles it measures."""

    key: str
    fn: MetricFn
    label: str
    article: str


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric(
            "catalogue_completeness",
            catalogue_completeness,
            "Catalogue completeness",
            "GZ 8, 11; ZS 11",
        ),
        Metric(
            "catalogue_timeliness", catalogue_timeliness, "Catalogue updated in time", "GZ 8; ZS 11"
        ),
        Metric("data_freshness", data_freshness, "Data freshness", "GZ 19; ZS 18; ZZ 24; JS 15"),
        Metric(
            "applications_in_time",
            applications_in_time,
            "Applications answered in time",
            "GZ 26; ZS 22; JS 18",
        ),
        Metric(
            "verification_requests_in_time",
            verification_requests_in_time,
            "Verification requests answered in time",
            "GZ 30; ZS 23; ZZ 21",
        ),
        Metric("complaints_upheld", complaints_upheld, "Complaints not upheld", "GZ 36; ZZ 32"),
        Metric(
            "rectifications_closed",
            rectifications_closed,
            "Rectifications closed",
            "GZ 43; ZS 38; ZZ 32; JS 33",
        ),
        Metric(
            "repeated_materials", repeated_materials, "Repeated materials dropped", "GZ 32; ZS 15"
        ),
        Metric("data_use", data_use, "Use of shared data", "GZ 25; ZZ 31"),
    )
}

# The names a text gives its metrics, and the platform's metrics that measure them (ZZ 31:
# "the number, updating ... and use of information shared").
NAMED: dict[str, tuple[str, ...]] = {
    "shared_quantity": ("catalogue_completeness",),
    "update_timeliness": ("catalogue_timeliness", "data_freshness"),
    "use": ("data_use",),
}


# --- weights -----------------------------------------------------------------------------------


def metrics_in_force() -> list[str]:
    """The platform's metrics the profile asks for: those measuring the named ones, or all."""
    named = get_active_profile().evaluation.metrics_named
    if named.silent or not named.value:
        return list(METRICS)
    keys: list[str] = []
    for name in named.value:
        found = NAMED.get(name) or ((name,) if name in METRICS else None)
        if found is None:
            raise Invalid(
                "the profile names a metric the platform does not compute: {name}",
                code="unknown_metric",
                name=name,
            )
        keys += [k for k in found if k not in keys]
    return keys


def weights() -> dict[str, float]:
    """The weight of each metric in force, summing to 1 (equal where the profile is silent)."""
    keys = metrics_in_force()
    rule = get_active_profile().evaluation.weights
    if rule.silent:
        raw = {k: 1.0 for k in keys}
    else:
        raw = {k: 0.0 for k in keys}
        for name, value in rule.values.items():
            covered = NAMED.get(name) or ((name,) if name in METRICS else ())
            inside = [k for k in covered if k in raw]
            if not inside:
                raise Invalid(
                    "the profile weighs a metric that is not evaluated: {name}",
                    code="unknown_metric",
                    name=name,
                )
            for k in inside:
                raw[k] += value / len(inside)
    total = sum(raw.values())
    if total <= 0:
        raise Invalid("the profile's evaluation weights are all zero", code="invalid_weights")
    return {k: round(v / total, 6) for k, v in raw.items()}


def weighted_total(scores: dict[str, float | None], weights_: dict[str, float]) -> float | None:
    """The weighted mean of the scores that apply, the weights of the others shared out; None if none apply."""
    applied = {k: s for k, s in scores.items() if s is not None and weights_.get(k, 0) > 0}
    if not applied:
        return None
    weight = sum(weights_[k] for k in applied)
    return round(sum(weights_[k] * s for k, s in applied.items()) / weight, 1)


def rank(values: dict[int, float | None]) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4) of the departments with a value, highest first."""
    ordered = sorted((v, d) for d, v in values.items() if v is not None)
    ordered.sort(key=lambda p: -p[0])
    out: dict[int, int] = {}
    for i, (v, d) in enumerate(ordered):
        out[d] = i + 1 if i == 0 or v != ordered[i - 1][0] else out[ordered[i - 1][1]]
    return out
