"""Pagination of list queries: one count and one page query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from govshare.kit.errors import Invalid

T = TypeVar("T")

MAX_PER_PAGE = 200


@dataclass
class Page(Generic[T]):
    """One page of results with what a pager needs."""

    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def paginate(
    session: Session, stmt: Select[Any], *, page: int = 1, per_page: int = 50
) -> Page[Any]:
    """Runs `stmt` for one page; refuses a page number or size out of range."""
    if page < 1:
        raise Invalid("page must be 1 or more", code="invalid_page")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise Invalid(
            "per_page must be between 1 and {maximum}", code="invalid_page", maximum=MAX_PER_PAGE
        )
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = list(session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, total=total, page=page, per_page=per_page)
