"""Files that are not what they claim, and names with path tricks (issue 7, "Bad input")."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.attachments.service import Upload
from govshare.kit.errors import Invalid
from tests.attachments.test_service import OWNER, PDF, staff
from tests.orgs.builders import department

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16


def _zip(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(member, "<x/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def owner_registered() -> None:
    attachments.register_owner(OWNER, lambda _session, owner_id: {owner_id})


def _attach(session: Session, *uploads: Upload) -> list[attachments.Attachment]:
    dept = department(session)
    return attachments.attach(
        session, actor=staff(dept.id), owner_type=OWNER, owner_id=dept.id, uploads=list(uploads)
    )


def test_a_name_climbing_out_of_its_folder_is_kept_as_its_base_name(session: Session) -> None:
    (row,) = _attach(session, Upload("../../etc/passwd.pdf", PDF))
    assert row.filename == "passwd.pdf"
    (row,) = _attach(session, Upload("..\\..\\windows\\证明.pdf", PDF))
    assert row.filename == "证明.pdf"


@pytest.mark.parametrize("name", ["evil\x00.pdf", "a.pdf\x00.txt", "line\nbreak.pdf", ".."])
def test_names_with_nul_bytes_or_control_characters_are_refused(
    session: Session, name: str
) -> None:
    with pytest.raises(Invalid) as caught:
        _attach(session, Upload(name, PDF))
    assert caught.value.code == "attachment_invalid"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("批复.pdf", b"MZ\x90\x00 this is a program renamed to .pdf"),
        ("批复.pdf", b"<html>%PDF-1.4</html>"),
        ("scan.png", JPEG),
        ("scan.jpg", PNG),
        ("scan.jpeg", b"GIF89a"),
        ("letter.docx", b"PK\x03\x04 but not a real package"),
        ("sheet.xlsx", PDF),
        ("doc.ofd", b"<ofd/>"),
        ("note.txt", "说明".encode("gbk")),
        ("note.txt", b"binary\x00junk"),
    ],
)
def test_content_that_does_not_match_the_name_is_refused(
    session: Session, name: str, data: bytes
) -> None:
    with pytest.raises(Invalid) as caught:
        _attach(session, Upload("fine.pdf", PDF), Upload(name, data))
    assert caught.value.code == "attachment_content"
    assert caught.value.details["filename"] == name
    assert "{filename} is not the kind of file" in caught.value.template


def test_genuine_files_of_every_kind_are_taken(session: Session) -> None:
    rows = _attach(
        session,
        Upload("a.pdf", PDF),
        Upload("b.png", PNG),
        Upload("c.jpg", JPEG),
        Upload("d.docx", _zip("word/document.xml")),
        Upload("e.xlsx", _zip("xl/workbook.xml")),
        Upload("f.ofd", _zip("OFD.xml")),
        Upload("g.txt", "情况说明".encode()),
    )
    assert [r.content_type for r in rows] == [
        "application/pdf",
        "image/png",
        "image/jpeg",
        attachments.CONTENT_TYPES[".docx"],
        attachments.CONTENT_TYPES[".xlsx"],
        "application/ofd",
        "text/plain",
    ]
