"""Attaching evidence to a case, listing it, and handing it only to those who may see the case.

A domain that takes attachments registers who may read them (`register_owner`): a function of
the case id that returns the departments involved. The authority reads every attachment.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from govshare.attachments.models import Attachment
from govshare.audit import service as audit
from govshare.kit.actor import Actor
from govshare.kit.errors import Invalid, NotFound

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_CASE = 10
# Documents officials exchange: scans, PDF and OFD (the national e-document format), office files.
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".ofd": "application/ofd",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".txt": "text/plain",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# What a file of each kind starts with. OFD, DOCX and XLSX are ZIP packages.
_ZIP = (b"PK\x03\x04",)
MAGIC: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".ofd": _ZIP,
    ".docx": _ZIP,
    ".xlsx": _ZIP,
}

Readers = Callable[[Session, int], set[int]]
_owners: dict[str, Readers] = {}


def register_owner(owner_type: str, readers: Readers) -> None:
    """Declares a kind of case that takes attachments and the departments that may read them."""
    _owners[owner_type] = readers


@dataclass(frozen=True)
class Upload:
    """A file as received from a form or the API."""

    filename: str
    data: bytes


def base_name(filename: str) -> str:
    """The file's own name: folders (either slash) and path tricks such as ``../`` dropped."""
    return PurePath(filename.replace("\\", "/")).name


def content_matches(suffix: str, data: bytes) -> bool:
    """Whether the bytes are a file of the kind its suffix claims (not a renamed other file)."""
    if suffix == ".txt":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return "\x00" not in text
    if not data.startswith(MAGIC[suffix]):
        return False
    if MAGIC[suffix] is _ZIP:
        try:  # the package's directory must be readable, not just its first four bytes
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                return bool(package.namelist())
        except (zipfile.BadZipFile, ValueError, EOFError):
            return False
    return True


def check(uploads: Iterable[Upload]) -> list[Upload]:
    """Refuses empty, oversized, too many, unexpected or mislabelled files; returns the others."""
    kept = [u for u in uploads if u.filename or u.data]
    if len(kept) > MAX_PER_CASE:
        raise Invalid("too many attachments", code="attachment_too_many", limit=MAX_PER_CASE)
    for upload in kept:
        if any(ord(c) < 32 or ord(c) == 127 for c in upload.filename):
            # A NUL byte or a control character: a name crafted to fool a file system or a log.
            raise Invalid(
                "an attachment's file name contains control characters",
                code="attachment_invalid",
            )
        name = base_name(upload.filename)
        if not name or name in (".", ".."):
            raise Invalid("an attachment has no file name", code="attachment_invalid")
        if PurePath(name).suffix.lower() not in CONTENT_TYPES:
            raise Invalid(
                "attachments must be PDF, OFD, JPEG, PNG, text, Word or Excel files",
                code="attachment_type",
                filename=name,
            )
        if not upload.data:
            raise Invalid("an attachment is empty", code="attachment_empty", filename=name)
        if len(upload.data) > MAX_BYTES:
            raise Invalid(
                "an attachment is larger than 10 MB", code="attachment_too_large", filename=name
            )
        if not content_matches(PurePath(name).suffix.lower(), upload.data):
            raise Invalid(
                "{filename} is not the kind of file its name says: its content does not match",
                code="attachment_content",
                filename=name,
            )
    return kept


def attach(
    session: Session,
    *,
    actor: Actor,
    owner_type: str,
    owner_id: int,
    uploads: Iterable[Upload],
) -> list[Attachment]:
    """Stores the files with the case, in the caller's transaction, and audits each one."""
    if owner_type not in _owners:
        raise Invalid(
            "attachments are not taken for {owner_type}",
            code="attachment_owner",
            owner_type=owner_type,
        )
    kept = check(uploads)
    existing = len(list_for(session, owner_type=owner_type, owner_id=owner_id))
    if existing + len(kept) > MAX_PER_CASE:
        raise Invalid("too many attachments", code="attachment_too_many", limit=MAX_PER_CASE)
    made = []
    for upload in kept:
        name = base_name(upload.filename)
        row = Attachment(
            owner_type=owner_type,
            owner_id=owner_id,
            filename=name[:200],
            content_type=CONTENT_TYPES[PurePath(name).suffix.lower()],
            size=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(),
            content=upload.data,
            department_id=actor.department_id,
            uploaded_by=actor.name,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="attachment.add",
            object_type=owner_type,
            object_id=owner_id,
            details={"attachment": row.id, "filename": row.filename, "sha256": row.sha256},
        )
        made.append(row)
    return made


def list_for(session: Session, *, owner_type: str, owner_id: int) -> list[Attachment]:
    """The case's attachments, oldest first, without their content."""
    stmt = (
        select(Attachment)
        .where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
        .order_by(Attachment.id)
    )
    return list(session.scalars(stmt))


def fetch(session: Session, *, actor: Actor, attachment_id: int) -> Attachment:
    """The attachment with its content, for a reader of its case; audited."""
    row = session.scalar(
        select(Attachment)
        .where(Attachment.id == attachment_id)
        .options(undefer(Attachment.content))
    )
    if row is None:
        raise NotFound("no such attachment", code="attachment_not_found")
    if not actor.has_role("authority_admin"):
        readers = _owners.get(row.owner_type)
        allowed = readers(session, row.owner_id) if readers is not None else set()
        if actor.department_id is None or actor.department_id not in allowed:
            # Same answer as a missing file: an outsider learns nothing about the case.
            raise NotFound("no such attachment", code="attachment_not_found")
    audit.record(
        session,
        actor=actor,
        action="attachment.read",
        object_type=row.owner_type,
        object_id=row.owner_id,
        details={"attachment": row.id},
    )
    return row


__all__ = [
    "Attachment",
    "Upload",
    "attach",
    "base_name",
    "check",
    "content_matches",
    "fetch",
    "list_for",
]
