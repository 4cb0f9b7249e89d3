"""The console's main menu: groups of links, each shown to the roles that may open it."""

from __future__ import annotations

from dataclasses import dataclass

from govshare.kit.actor import Actor

ADMIN = "authority_admin"
OFFICER = "data_officer"
STAFF = "staff"
AUDITOR = "auditor"
ALL = (ADMIN, OFFICER, STAFF, AUDITOR)


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    roles: tuple[str, ...] = ALL


@dataclass(frozen=True)
class Group:
    label: str
    links: tuple[Link, ...]


MENU: tuple[Group, ...] = (
    Group(
        "Catalogue",
        (
            Link("Catalogue", "/catalogue", (ADMIN, OFFICER, AUDITOR)),
            Link("Sharing directory", "/directory"),
            Link("Review", "/catalogue/review", (ADMIN,)),
        ),
    ),
    Group(
        "Data",
        (
            Link("Connected data", "/data", (ADMIN, OFFICER)),
            Link("Data freshness", "/data/freshness", (ADMIN, OFFICER)),
            Link("Divergences", "/quality/divergences", (ADMIN, OFFICER)),
        ),
    ),
    Group(
        "Use data",
        (
            Link("Query data", "/query", (OFFICER, STAFF)),
            Link("Verify data", "/verify", (OFFICER, STAFF)),
            Link("Query history", "/query/history", (OFFICER, STAFF)),
            Link("Applications", "/applications", (OFFICER, STAFF)),
            Link("My grants", "/grants"),
            Link("Grants given", "/grants/given", (ADMIN, OFFICER, AUDITOR)),
        ),
    ),
    Group(
        "Supervision",
        (
            Link("Applications to answer", "/applications/inbox", (OFFICER,)),
            Link("Applications: overview", "/applications/overview", (ADMIN, AUDITOR)),
            Link("Disputes", "/disputes"),
            Link("Verification requests", "/verification-requests", (ADMIN, OFFICER, STAFF)),
            Link("Error reports", "/error-reports"),
            Link("Complaints", "/complaints"),
            Link("Rectification notices", "/rectification"),
            Link("Rectification proposals", "/rectification/proposals", (ADMIN, AUDITOR)),
            Link("Service guides", "/service-guides"),
            Link("Repeated materials", "/service-guides/report", (ADMIN, AUDITOR)),
            Link("Evaluation", "/evaluations"),
            Link("Informatization projects", "/evaluations/projects", (ADMIN, OFFICER, AUDITOR)),
            Link("Annual reports", "/annual-reports"),
            Link("Audit log", "/audit", (ADMIN, AUDITOR)),
        ),
    ),
    Group(
        "Administration",
        (
            Link("Departments", "/departments"),
            Link("Personnel registry", "/personnel"),
            Link("Users", "/users", (ADMIN,)),
            Link("API keys", "/api-keys", (ADMIN, OFFICER)),
            Link("Working days", "/calendar"),
        ),
    ),
)


def menu_for(actor: Actor | None) -> list[tuple[str, list[Link]]]:
    """The groups the actor sees, each with its visible links; empty groups left out."""
    if actor is None:
        return []
    shown = []
    for group in MENU:
        links = [link for link in group.links if actor.has_role(*link.roles)]
        if links:
            shown.append((group.label, links))
    return shown
