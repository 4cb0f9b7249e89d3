"""Holiday overrides the authority maintains on top of the built-in State Council schedule."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from govshare.db import Base, UTCDateTime, utcnow

# Where an override came from: a loaded schedule file ("file") or one day set by hand ("manual").
SOURCE_FILE = "file"
SOURCE_MANUAL = "manual"


class CalendarDay(Base):
    """One day whose status the authority fixed; it wins over chinesecalendar and Mon–Fri."""

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    # The schedule the day belongs to: a 2012 schedule may set 2011-12-31, so it is not day.year.
    schedule_year: Mapped[int] = mapped_column(Integer, index=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[str] = mapped_column(String(16))
    source_file: Mapped[str | None] = mapped_column(String(255))
    loaded_by: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarYear(Base):
    """A year whose schedule was loaded from a file: known even where chinesecalendar is not."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source_file: Mapped[str] = mapped_column(String(255))
    # The State Council notice the schedule comes from, when the file names it.
    notice: Mapped[str] = mapped_column(String(200), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    holidays: Mapped[int] = mapped_column(Integer)
    workdays: Mapped[int] = mapped_column(Integer)
    loaded_by: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
