"""Evidence attached to a case: checked on the way in, read only by those involved, audited."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from govshare.attachments import service as attachments
from govshare.attachments.service import Upload
from govshare.audit.models import AuditEntry
from govshare.kit.actor import Actor, ActorKind, Method
from govshare.kit.errors import Invalid, NotFound
from tests.orgs.builders import department

OWNER = "test_case"
PDF = b"%PDF-1.4 approval document"


@pytest.fixture(autouse=True)
def owner_registered() -> None:
    # The case's readers: its id stands for the one department involved in it.
    attachments.register_owner(OWNER, lambda _session, owner_id: {owner_id})


def staff(department_id: int) -> Actor:
    return Actor(
        kind=ActorKind.USER,
        id=1,
        name="Chen Jing",
        method=Method.CONSOLE,
        department_id=department_id,
        roles=frozenset({"data_officer"}),
    )


def test_attached_files_are_kept_hashed_and_audited(session: Session) -> None:
    dept = department(session)
    (row,) = attachments.attach(
        session,
        actor=staff(dept.id),
        owner_type=OWNER,
        owner_id=dept.id,
        uploads=[Upload("C:\\scans\\批复.pdf", PDF), Upload("", b"")],
    )

    assert (row.filename, row.content_type, row.size) == ("批复.pdf", "application/pdf", len(PDF))
    assert row.sha256 == hashlib.sha256(PDF).hexdigest()
    assert [a.id for a in attachments.list_for(session, owner_type=OWNER, owner_id=dept.id)] == [
        row.id
    ]
    actions = session.scalars(select(AuditEntry.action)).all()
    assert "attachment.add" in actions


def test_only_those_involved_and_the_authority_read_a_file(session: Session) -> None:
    dept, other = department(session), department(session)
    (row,) = attachments.attach(
        session,
        actor=staff(dept.id),
        owner_type=OWNER,
        owner_id=dept.id,
        uploads=[Upload("a.pdf", PDF)],
    )

    assert attachments.fetch(session, actor=staff(dept.id), attachment_id=row.id).content == PDF
    assert attachments.fetch(session, actor=Actor.operator(), attachment_id=row.id).content == PDF
    with pytest.raises(NotFound):
        attachments.fetch(session, actor=staff(other.id), attachment_id=row.id)
    with pytest.raises(NotFound):
        attachments.fetch(session, actor=staff(dept.id), attachment_id=row.id + 1000)


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (Upload("run.exe", b"MZ"), "attachment_type"),
        (Upload("empty.pdf", b""), "attachment_empty"),
        (Upload("big.pdf", b"0" * (attachments.MAX_BYTES + 1)), "attachment_too_large"),
    ],
)
def test_unexpected_files_are_refused_and_nothing_is_kept(
    session: Session, upload: Upload, code: str
) -> None:
    dept = department(session)
    with pytest.raises(Invalid) as caught:
        attachments.attach(
            session,
            actor=staff(dept.id),
            owner_type=OWNER,
            owner_id=dept.id,
            uploads=[Upload("fine.pdf", PDF), upload],
        )
    assert caught.value.code == code
    assert attachments.list_for(session, owner_type=OWNER, owner_id=dept.id) == []


def test_a_case_takes_at_most_ten_files(session: Session) -> None:
    dept = department(session)
    files = [Upload(f"{n}.pdf", PDF) for n in range(attachments.MAX_PER_CASE)]
    attachments.attach(
        session, actor=staff(dept.id), owner_type=OWNER, owner_id=dept.id, uploads=files
    )
    with pytest.raises(Invalid) as caught:
        attachments.attach(
            session,
            actor=staff(dept.id),
            owner_type=OWNER,
            owner_id=dept.id,
            uploads=[Upload("x.pdf", PDF)],
        )
    assert caught.value.code == "attachment_too_many"


def test_an_unknown_kind_of_case_takes_no_files(session: Session) -> None:
    dept = department(session)
    with pytest.raises(Invalid):
        attachments.attach(
            session,
            actor=staff(dept.id),
            owner_type="nothing",
            owner_id=1,
            uploads=[Upload("a.pdf", PDF)],
        )
