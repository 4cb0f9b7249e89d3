"""Validation of the identifiers the regulations key data by (GZ 20, 22)."""

from __future__ import annotations

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from govshare.kit.errors import Invalid


def valid_uscc(value: str) -> str:
    """Returns the compact unified social credit code or raises Invalid."""
    try:
        return str(uscc.validate(value))
    except ValidationError as exc:
        raise Invalid(
            "'{value}' is not a valid unified social credit code ({problem})",
            code="invalid_uscc",
            value=value,
            problem=str(exc),
        ) from exc


def valid_ric(value: str) -> str:
    """Returns the compact resident identity number or raises Invalid."""
    try:
        return str(ric.validate(value))
    except ValidationError as exc:
        raise Invalid(
            "'{value}' is not a valid resident identity number ({problem})",
            code="invalid_ric",
            value=value,
            problem=str(exc),
        ) from exc
