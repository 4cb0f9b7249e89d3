"""What the calendar services return: a parsed schedule file, a load result, a year's schedule."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class DayKind(StrEnum):
    """What a schedule says about a day: a day off, or a weekend day worked in lieu (调休)."""

    HOLIDAY = "holiday"
    WORKDAY = "workday"


class DaySource(StrEnum):
    """Which layer decided a day: the overrides table (file or manual) or chinesecalendar."""

    FILE = "file"
    MANUAL = "manual"
    CHINESECALENDAR = "chinesecalendar"


class YearStatus(StrEnum):
    """How a year's working days are known; UNKNOWN means counted Mon–Fri, with a warning."""

    LOADED = "loaded"
    BUILTIN = "builtin"
    UNKNOWN = "unknown"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ScheduleEntry(_Frozen):
    """One dated line of a schedule file."""

    day: date
    kind: DayKind
    name: str = ""


class ScheduleFile(_Frozen):
    """A schedule file that passed validation, not yet stored."""

    year: int
    source_file: str
    sha256: str
    notice: str = ""
    entries: tuple[ScheduleEntry, ...]

    @property
    def holidays(self) -> int:
        """How many holiday dates the file lists."""
        return sum(1 for e in self.entries if e.kind is DayKind.HOLIDAY)

    @property
    def workdays(self) -> int:
        """How many adjusted working days (调休) the file lists."""
        return sum(1 for e in self.entries if e.kind is DayKind.WORKDAY)


class LoadResult(_Frozen):
    """What loading a schedule file did."""

    year: int
    source_file: str
    sha256: str
    holidays: int
    workdays: int
    replaced: int
    warnings: tuple[str, ...] = ()


class ScheduleDay(_Frozen):
    """A day of a year that is not an ordinary Mon–Fri working day or weekend, and who said so."""

    day: date
    kind: DayKind
    name: str
    source: DaySource
    note: str = ""


class LoadedYear(_Frozen):
    """Who loaded a year's schedule, from which file, when."""

    source_file: str
    sha256: str
    notice: str
    loaded_by: str
    loaded_at: datetime


class YearSchedule(_Frozen):
    """A year's holidays and adjusted working days as the arithmetic sees them."""

    year: int
    status: YearStatus
    loaded: LoadedYear | None
    builtin: bool
    days: tuple[ScheduleDay, ...]
