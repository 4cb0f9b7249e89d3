"""API shapes of loads, pushed records and deletions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_PUSH = 10_000  # the same limit as datastore.service.MAX_PUSH


class ProblemOut(BaseModel):
    """Why a row (or one of its values) was refused; the value itself is never repeated."""

    row: int = Field(
        description="the row number in the file (header = 1), or the record's position in the request (from 1)"
    )
    column: str = Field(
        description="the column or data item; empty when the whole row is concerned"
    )
    reason: str


class LoadOut(BaseModel):
    """A load's report."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    resource_id: int
    department_id: int
    actor_name: str
    method: str = Field(description="upload, api or cli")
    filename: str
    status: str = Field(
        description="loaded (every row), partial (the good rows of a partial load) or rejected (nothing)"
    )
    partial: bool
    rows_total: int
    rows_written: int = Field(description="new records and changed ones (each a new version)")
    rows_unchanged: int = Field(description="rows equal to the current record (no new version)")
    rows_deleted: int
    rows_rejected: int
    problems: list[ProblemOut] = Field(description="the first 1,000 problems")
    started_at: datetime
    finished_at: datetime | None


class LoadPage(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[LoadOut]


class PushIn(BaseModel):
    """Changed records from a business system: each names every data item; `"_delete": true` deletes one."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "records": [
                        {"公民身份号码": "440106199003071231", "姓名": "张三", "婚姻状况": "已婚"},
                        {"公民身份号码": "44010419850607002X", "_delete": True},
                    ],
                    "partial": False,
                }
            ]
        },
    )

    records: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=MAX_PUSH,
        description=f"at most {MAX_PUSH:,} records per call, keyed by data item name or English name",
    )
    partial: bool = Field(
        default=False,
        description="load the good records and report the others (default: all or nothing)",
    )


class DeleteIn(BaseModel):
    """Subjects whose records are deleted (each gets a tombstone version; the history stays)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"subjects": ["440106199003071231"], "reason": "注销户籍"}]
        },
    )

    subjects: list[str] = Field(min_length=1, max_length=MAX_PUSH)
    reason: str = Field(
        min_length=1,
        max_length=2000,
        description="why the records are deleted (kept with each tombstone)",
    )
