"""Domain errors: one base class that carries its HTTP status and a machine-readable code."""

from __future__ import annotations

from typing import Any


class _Keep(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, params: dict[str, Any]) -> str:
    """`template` with its {name} fields from params; unknown fields and stray braces stay."""
    if not params or "{" not in template:
        return template
    try:
        return template.format_map(_Keep(params))
    except (ValueError, IndexError, AttributeError):
        return template


class DomainError(Exception):
    """Base of every error the services raise on purpose.

    The message is an English template whose {name} fields come from the details, so that the
    console can translate the template and fill it in (`template`, `details`) while the API and
    the logs get the filled-in English (`message`).
    """

    status: int = 400
    code: str = "invalid"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        self.template = message
        self.message = fill(message, details)
        super().__init__(self.message)
        if code is not None:
            self.code = code
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        """The JSON body of the error response."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return {"error": body}


class Invalid(DomainError):
    status = 422
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class IllegalTransition(DomainError):
    status = 409
    code = "illegal_transition"
