"""Console pages of one data, one source: source links and divergence cases (ZS 17; JS 11)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from govshare.http.deps import Db, TransactionalRoute, allow
from govshare.http.rendering import flash, form_error, redirect, render, today_of
from govshare.kit.actor import Actor
from govshare.kit.errors import DomainError, Invalid
from govshare.orgs import service as orgs
from govshare.orgs.models import Role
from govshare.profiles.service import get_active_profile
from govshare.quality import cases, divergence, links
from govshare.quality.cases import HIDDEN
from govshare.quality.models import DivergenceState

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

AUTHORITY = (Role.AUTHORITY_ADMIN,)
VIEWERS = (Role.AUTHORITY_ADMIN, Role.DATA_OFFICER)

STATES = {
    DivergenceState.OPEN: "Awaiting assignment",
    DivergenceState.ASSIGNED: "Being verified",
    DivergenceState.RESOLVED: "Resolved",
    DivergenceState.DISMISSED: "Dismissed",
    DivergenceState.CLOSED: "Closed by the platform",
}
REASONS = {
    "values_agree": "The values agree again",
    "not_comparable": "No longer comparable (a record or value was removed)",
    "link_removed": "The source link was removed",
    "verified": "Verified",
    "dismissed": "Dismissed",
}


def _int(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise Invalid("not a number: {value}", code="invalid_number", value=value)
    return int(value)


def _departments(db: Db) -> dict[int, str]:
    return {d.id: d.name for d in orgs.list_departments(db, per_page=200).items}


@router.get("/quality/divergences", response_class=HTMLResponse)
def divergences(
    request: Request,
    db: Db,
    state: str = "active",
    department_id: str = "",
    resource_id: str = "",
    page: int = 1,
    actor: Actor = allow(*VIEWERS),
) -> Response:
    """Divergence cases the viewer may see, filtered and paginated."""
    found = cases.list_cases(
        db,
        actor=actor,
        state=state or None,
        department_id=_int(department_id),
        resource_id=_int(resource_id),
        page=page,
        per_page=25,
    )
    query = urlencode({"state": state, "department_id": department_id, "resource_id": resource_id})
    linked = links.list_links(db, actor=actor, include_removed=True, per_page=200).items
    return render(
        request,
        "quality/divergences.html",
        {
            "page": found,
            "query": query,
            "state": state,
            "department_id": _int(department_id),
            "resource_id": resource_id,
            "states": STATES,
            "depts": _departments(db),
            "hidden": HIDDEN,
            "resources": _codes(db, linked),
        },
    )


@router.get("/quality/divergences/{divergence_id}", response_class=HTMLResponse)
def divergence_page(
    request: Request, db: Db, divergence_id: int, actor: Actor = allow(*VIEWERS)
) -> Response:
    """One case: the two values side by side and the actions the viewer may take."""
    view = cases.get_case(db, actor=actor, divergence_id=divergence_id)
    return render(
        request,
        "quality/divergence.html",
        {
            "v": view,
            "c": view.case,
            "states": STATES,
            "reasons": REASONS,
            "depts": _departments(db),
            "rule": get_active_profile().data.divergence_resolved_by,
        },
    )


@router.post("/quality/divergences/{divergence_id}/assign")
def assign(
    request: Request,
    db: Db,
    divergence_id: int,
    department_id: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    actor: Actor = allow(*AUTHORITY),
) -> Response:
    """Assigns the verifying department from the form."""
    back = f"/quality/divergences/{divergence_id}"
    try:
        with db.begin_nested():
            cases.assign(
                db,
                actor=actor,
                divergence_id=divergence_id,
                department_id=_int(department_id),
                note=note,
                today=today_of(request),
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "The case was assigned for verification")
    return redirect(back)


@router.post("/quality/divergences/{divergence_id}/resolve")
def resolve(
    request: Request,
    db: Db,
    divergence_id: int,
    correct: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    actor: Actor = allow(*VIEWERS),
) -> Response:
    """Resolves the case from the form: which value is right, and a note."""
    back = f"/quality/divergences/{divergence_id}"
    try:
        with db.begin_nested():
            cases.resolve(
                db,
                actor=actor,
                divergence_id=divergence_id,
                correct=correct,
                note=note,
                today=today_of(request),
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "The case was resolved; the provider of the wrong value was told to correct it")
    return redirect(back)


@router.post("/quality/divergences/{divergence_id}/dismiss")
def dismiss(
    request: Request,
    db: Db,
    divergence_id: int,
    reason: Annotated[str, Form()] = "",
    actor: Actor = allow(*AUTHORITY),
) -> Response:
    """Dismisses the case with a reason."""
    back = f"/quality/divergences/{divergence_id}"
    try:
        with db.begin_nested():
            cases.dismiss(
                db, actor=actor, divergence_id=divergence_id, reason=reason, today=today_of(request)
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "The case was dismissed")
    return redirect(back)


@router.get("/quality/source-links", response_class=HTMLResponse)
def source_links(
    request: Request,
    db: Db,
    removed: bool = False,
    page: int = 1,
    actor: Actor = allow(*VIEWERS),
) -> Response:
    """Source links with, for the authority, the form to declare one."""
    found = links.list_links(db, actor=actor, include_removed=removed, page=page, per_page=25)
    sides = links.linkable(db) if actor.has_role(Role.AUTHORITY_ADMIN) else []
    return render(
        request,
        "quality/source_links.html",
        {
            "page": found,
            "query": urlencode({"removed": "true" if removed else ""}),
            "removed": removed,
            "sides": sides,
            "codes": {s.resource_id: s.code for s in sides} or _codes(db, found.items),
            "depts": _departments(db),
        },
    )


def _codes(db: Db, items: list[links.SourceLink]) -> dict[int, str]:
    ids = {x.resource_a_id for x in items} | {x.resource_b_id for x in items}
    return links.resource_codes(db, ids)


def _side(value: str) -> tuple[int, str]:
    rid, _, item = value.partition(":")
    if not rid.isdigit() or not item:
        raise Invalid("choose a resource and a data item", code="item_required")
    return int(rid), item


@router.post("/quality/source-links")
def create_link(
    request: Request,
    db: Db,
    side_a: Annotated[str, Form()] = "",
    side_b: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    actor: Actor = allow(*AUTHORITY),
) -> Response:
    """Declares a source link from the form."""
    back = "/quality/source-links"
    try:
        (ra, ia), (rb, ib) = _side(side_a), _side(side_b)
        with db.begin_nested():
            links.create_link(
                db,
                actor=actor,
                resource_a_id=ra,
                item_a=ia,
                resource_b_id=rb,
                item_b=ib,
                source_resource_id={"a": ra, "b": rb}.get(source),
                note=note,
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Source link declared; loads of either resource are now compared")
    return redirect(back)


@router.post("/quality/source-links/{link_id}/remove")
def remove_link(
    request: Request,
    db: Db,
    link_id: int,
    reason: Annotated[str, Form()] = "",
    actor: Actor = allow(*AUTHORITY),
) -> Response:
    """Removes a link from the form."""
    back = "/quality/source-links"
    try:
        with db.begin_nested():
            links.remove_link(
                db, actor=actor, link_id=link_id, reason=reason, today=today_of(request)
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(request, "Source link removed; its open cases were closed")
    return redirect(back)


@router.post("/quality/source-links/{link_id}/compare")
def compare_link(
    request: Request, db: Db, link_id: int, actor: Actor = allow(*AUTHORITY)
) -> Response:
    """Compares the records already loaded on both sides of a link."""
    back = "/quality/source-links"
    try:
        with db.begin_nested():
            result = divergence.compare_link(
                db, actor=actor, link_id=link_id, today=today_of(request)
            )
    except DomainError as exc:
        return form_error(request, exc, back)
    flash(
        request,
        "Compared: {opened} case(s) opened, {closed} closed",
        opened=str(result.opened),
        closed=str(result.closed),
    )
    return redirect(back)
