"""Reading the files providers load: CSV, XLSX and JSON Lines, as rows of named values with their row numbers.

Parsing knows nothing about the resource: it turns bytes into `SourceRow`s keyed by the
file's own column names (validation maps them to data items). Row numbers are the ones a
provider sees: in CSV and XLSX the header is row 1 and the first record row 2; in JSON Lines
a row's number is its line number. Problems of one row (a JSON line that does not parse, a
CSV row with more values than the header) travel with that row; problems that make the
whole file unreadable raise `UnreadableFile`.

A column (or JSON key) named `_delete` marks a tombstone: truthy values ``1, true, yes, y,
x, 是, 删除`` (any case) delete the subject's record, empty and ``0, false, no, n, 否`` do
not. A column named `_problems` is ignored: the platform writes it into the rejected-rows
file of a partial load, so that the fixed file can be loaded again as it is.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from govshare.kit.errors import Invalid

DELETE_COLUMN = "_delete"
PROBLEMS_COLUMN = "_problems"
FORMATS = (".csv", ".xlsx", ".jsonl", ".ndjson")

_CHUNK = 1 << 20
_TRUE = frozenset({"1", "true", "yes", "y", "x", "是", "删除"})
_FALSE = frozenset({"", "0", "false", "no", "n", "否"})


class UnreadableFile(Invalid):
    """The file is not one of the formats, or is broken beyond one row."""

    code = "unreadable_file"


@dataclass(slots=True)  # not frozen: a frozen dataclass is slower to make, and loads make millions
class SourceRow:
    """One record as the file holds it: values by the file's column names."""

    number: int
    values: dict[str, Any]
    delete: bool = False
    problems: tuple[tuple[str, str], ...] = ()


@dataclass
class Source:
    """The rows of one file; `columns` is the header (None for JSON Lines, which has none).

    Read once; the file is closed when the rows are exhausted, or by `close` (use it as a
    context manager when the rows may not all be read).
    """

    rows: Iterator[SourceRow]
    columns: list[str] | None = None
    size_hint: int | None = None
    encoding: str = ""
    closers: list[Callable[[], None]] = field(default_factory=list, repr=False)
    _iterated: bool = field(default=False, repr=False)

    def __iter__(self) -> Iterator[SourceRow]:
        if self._iterated:
            raise RuntimeError("a file source can be read once")
        self._iterated = True
        return self.rows

    def close(self) -> None:
        """Closes the file (a rows iterator not yet started never would)."""
        for closer in self.closers:
            closer()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def delete_flag(value: Any) -> bool | None:
    """The tombstone marker's meaning, or None when the value is neither yes nor no."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int | float):
        return {0: False, 1: True}.get(int(value)) if value in (0, 1) else None
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def _row(
    number: int, values: dict[str, Any], problems: list[tuple[str, str]], *, marked: bool = True
) -> SourceRow:
    if not marked:  # no _delete or _problems column: nothing to take out
        return SourceRow(number=number, values=values, problems=tuple(problems))
    values.pop(PROBLEMS_COLUMN, None)
    delete = False
    if DELETE_COLUMN in values:
        flag = delete_flag(values.pop(DELETE_COLUMN))
        if flag is None:
            problems.append(
                (
                    DELETE_COLUMN,
                    "use 1/true/是 to delete the record, empty or 0/false/否 to keep it",
                )
            )
        else:
            delete = flag
    return SourceRow(number=number, values=values, delete=delete, problems=tuple(problems))


def _empty(values: Iterable[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


# --- format detection ---------------------------------------------------------------------------


def open_file(path: Path) -> Source:
    """The rows of a CSV, XLSX or JSON Lines file, by its extension (read lazily; close with the stream)."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UnreadableFile(
            "{filename}: load a .csv, .xlsx or .jsonl file",
            code="unsupported_format",
            filename=path.name,
        )
    return read(path.open("rb"), filename=path.name)


def read(stream: IO[bytes], *, filename: str) -> Source:
    """The rows of an uploaded file, by its name's extension."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        return read_csv(stream)
    if suffix == ".xlsx":
        return read_xlsx(stream)
    if suffix in (".jsonl", ".ndjson"):
        return read_jsonl(stream)
    raise UnreadableFile(
        "{filename}: load a .csv, .xlsx or .jsonl file",
        code="unsupported_format",
        filename=filename,
    )


def _count_lines(stream: IO[bytes]) -> int | None:
    # A cheap estimate for progress reports; quoted line breaks make it an overestimate.
    if not stream.seekable():
        return None
    start = stream.tell()
    count = 0
    last = b""
    while chunk := stream.read(_CHUNK):
        count += chunk.count(b"\n")
        last = chunk
    stream.seek(start)
    return count + (1 if last and not last.endswith(b"\n") else 0)


# --- CSV ----------------------------------------------------------------------------------------


def _decoded_text(stream: IO[bytes], chosen: list[str]) -> Iterator[str]:
    """The text of a CSV file: UTF-8 (with or without BOM), else GB18030, decided exactly while streaming.

    The first chunk decides when it holds non-ASCII bytes: UTF-8 if they decode as UTF-8,
    else GB18030. While everything read is ASCII the two encodings agree, so the decision
    waits for the first non-ASCII byte; a file that switches encodings half-way is refused.
    """
    head = stream.read(_CHUNK)
    committed = False
    encoding = "utf-8"
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
        committed = True
    elif not head.isascii():
        committed = True
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.reason != "unexpected end of data":  # a character cut by the chunk is fine
                encoding = "gb18030"
    decoder = codecs.getincrementaldecoder(encoding)()
    chosen.append(encoding)
    chunk = head
    offset = 0
    while True:
        final = not chunk
        pending = decoder.getstate()[0]
        try:
            text = decoder.decode(chunk, final)
        except UnicodeDecodeError as exc:
            data = pending + chunk
            if committed or not data[: exc.start].isascii():
                raise UnreadableFile(
                    f"the file is neither UTF-8 nor GB18030 text (byte {offset + exc.start - len(pending)}); "
                    "save it as CSV UTF-8 or GB18030",
                    code="unreadable_file",
                ) from exc
            committed = True
            decoder = codecs.getincrementaldecoder("gb18030")()
            chosen[0] = "gb18030"
            try:
                text = decoder.decode(data, final)
            except UnicodeDecodeError as again:
                raise UnreadableFile(
                    "the file is neither UTF-8 nor GB18030 text; save it as CSV UTF-8 or GB18030",
                    code="unreadable_file",
                ) from again
        if not committed and not text.isascii():
            committed = True
        if text:
            yield text
        if final:
            return
        offset += len(chunk)
        chunk = stream.read(_CHUNK)


def _lines(chunks: Iterable[str]) -> Iterator[str]:
    # Split on "\n" only: csv handles "\r\n", and other Unicode line breaks stay inside fields.
    rest = ""
    for text in chunks:
        parts = (rest + text).split("\n")
        rest = parts.pop()
        for part in parts:
            yield part + "\n"
    if rest:
        yield rest


def read_csv(stream: IO[bytes]) -> Source:
    """The rows of a CSV file whose first row names the columns."""
    size = _count_lines(stream)
    chosen: list[str] = []
    reader = csv.reader(_lines(_decoded_text(stream, chosen)), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise UnreadableFile(f"row 1: {exc}", code="unreadable_file") from exc
    if header is None:
        raise UnreadableFile(
            "the file is empty: the first row names the columns", code="empty_file"
        )
    columns = [c.strip() for c in header]

    def rows() -> Iterator[SourceRow]:
        width = len(columns)
        marked = DELETE_COLUMN in columns or PROBLEMS_COLUMN in columns
        number = 1
        try:
            for record in reader:
                number += 1
                if not any(record):  # a blank line, or a row of empty cells
                    continue
                if len(record) == width and not marked:  # the common case, inline
                    yield SourceRow(number, dict(zip(columns, record, strict=True)))
                    continue
                problems: list[tuple[str, str]] = []
                if len(record) > width:
                    extra = record[width:]
                    if not _empty(extra):
                        problems.append(
                            (
                                "",
                                f"the row has {len(record)} values but the header names {width} columns",
                            )
                        )
                    record = record[:width]
                yield _row(
                    number, dict(zip(columns, record, strict=False)), problems, marked=marked
                )
        except csv.Error as exc:
            raise UnreadableFile(f"row {number + 1}: {exc}", code="unreadable_file") from exc
        finally:
            stream.close()

    return Source(
        rows=rows(),
        columns=columns,
        size_hint=None if size is None else max(size - 1, 0),
        encoding=chosen[0] if chosen else "utf-8",
        closers=[stream.close],
    )


# --- XLSX ---------------------------------------------------------------------------------------


def read_xlsx(stream: IO[bytes]) -> Source:
    """The rows of the first sheet of a workbook, streamed (openpyxl read-only); row 1 names the columns."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        stream.close()
        raise UnreadableFile(
            "the file is not an Excel workbook (.xlsx)", code="unreadable_file"
        ) from exc
    sheet = book.worksheets[0]
    declared = sheet.max_row
    size = declared - 1 if isinstance(declared, int) and declared > 1 else None
    # A sheet's declared dimensions can be wrong (some generators write A1:A1); read every row.
    sheet.reset_dimensions()
    cells = sheet.iter_rows(values_only=True)
    header = next(cells, None)
    if header is None:
        book.close()
        stream.close()
        raise UnreadableFile(
            "the sheet is empty: the first row names the columns", code="empty_file"
        )
    columns = ["" if c is None else str(c).strip() for c in header]
    while columns and not columns[-1]:
        columns.pop()  # formatting often extends a sheet by empty columns

    def rows() -> Iterator[SourceRow]:
        width = len(columns)
        try:
            for number, record in enumerate(cells, start=2):
                if _empty(record):
                    continue
                problems: list[tuple[str, str]] = []
                if len(record) > width and not _empty(record[width:]):
                    problems.append(("", "the row has values in columns without a header"))
                values = {c: v for c, v in zip(columns, record, strict=False) if c}
                for c in columns[len(record) :]:
                    values.setdefault(c, None)
                yield _row(number, values, problems)
        finally:
            book.close()
            stream.close()

    return Source(
        rows=rows(),
        columns=columns,
        size_hint=size,
        encoding="xlsx",
        closers=[book.close, stream.close],
    )


# --- JSON Lines ---------------------------------------------------------------------------------


def json_row(number: int, obj: Any) -> SourceRow:
    """A row from one JSON object (a JSON Lines line, or one record pushed over the API)."""
    if not isinstance(obj, dict):
        return SourceRow(number=number, values={}, problems=(("", "each record is a JSON object"),))
    values = dict(obj)
    problems: list[tuple[str, str]] = []
    values.pop(PROBLEMS_COLUMN, None)
    delete = False
    if DELETE_COLUMN in values:
        flag = values.pop(DELETE_COLUMN)
        if isinstance(flag, bool):
            delete = flag
        else:
            problems.append((DELETE_COLUMN, "_delete is true or false"))
    return SourceRow(number=number, values=values, delete=delete, problems=tuple(problems))


def read_jsonl(stream: IO[bytes]) -> Source:
    """The rows of a JSON Lines file: one object per line, keyed by data item names."""
    size = _count_lines(stream)

    def rows() -> Iterator[SourceRow]:
        try:
            for number, raw in enumerate(stream, start=1):
                line = raw[3:] if number == 1 and raw.startswith(codecs.BOM_UTF8) else raw
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    reason = (
                        "the line is not UTF-8"
                        if isinstance(exc, UnicodeDecodeError)
                        else f"not valid JSON ({exc.msg})"
                    )
                    yield SourceRow(number=number, values={}, problems=(("", reason),))
                    continue
                yield json_row(number, obj)
        finally:
            stream.close()

    return Source(
        rows=rows(), columns=None, size_hint=size, encoding="utf-8", closers=[stream.close]
    )
