"""Who is acting: a user, a department's service account, or the platform itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Method(StrEnum):
    """How an action reached the platform (recorded on every audit entry)."""

    CONSOLE = "console"
    API = "api"
    CLI = "cli"
    SWEEP = "sweep"


class ActorKind(StrEnum):
    USER = "user"
    SERVICE = "service"
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """The subject of an action, passed to every service function that changes state."""

    kind: ActorKind
    id: int | None
    name: str
    method: Method
    department_id: int | None = None
    roles: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def system(cls, method: Method = Method.SWEEP, name: str = "platform") -> Actor:
        """The platform acting on its own (the sweep, a migration, the CLI as operator)."""
        return cls(kind=ActorKind.SYSTEM, id=None, name=name, method=method)

    @classmethod
    def operator(cls, name: str = "operator") -> Actor:
        """An operator at the command line of the server, trusted with the authority's powers."""
        return cls(
            kind=ActorKind.SYSTEM,
            id=None,
            name=name,
            method=Method.CLI,
            roles=frozenset({"authority_admin"}),
        )

    def has_role(self, *roles: str) -> bool:
        """True when the actor holds any of the roles."""
        return bool(self.roles.intersection(roles))
