"""Departments, the personnel registry, user accounts, log-in and API keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from govshare.audit import service as audit
from govshare.calendar import service as calendar
from govshare.db import utcnow
from govshare.jobs import service as jobs
from govshare.kit.actor import Actor, ActorKind, Method
from govshare.kit.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from govshare.kit.identifiers import valid_uscc
from govshare.kit.pagination import Page, paginate
from govshare.orgs.models import (
    ApiKey,
    ContactPerson,
    Department,
    DepartmentKind,
    Level,
    PersonnelRole,
    Role,
    User,
)
from govshare.profiles.service import get_active_profile

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
MAX_API_KEY_DAYS = 366
API_KEY_SCOPES = ("directory:read", "data:query", "data:verify", "data:load", "applications:write")

_hasher = PasswordHasher()


# --- departments -------------------------------------------------------------------------


def create_department(
    session: Session,
    *,
    actor: Actor,
    name: str,
    code: str,
    uscc: str,
    level: Level | str,
    kind: DepartmentKind | str,
    name_en: str = "",
    parent_id: int | None = None,
    is_authority: bool = False,
    region: str = "",
) -> Department:
    """Registers a department; its credit code must be valid and every key unique."""
    name, code = name.strip(), code.strip()
    if not name:
        raise Invalid("a department needs a name", code="missing_name")
    if not code:
        raise Invalid("a department needs a code", code="missing_code")
    compact = valid_uscc(uscc)
    try:
        level, kind = Level(level), DepartmentKind(kind)
    except ValueError as exc:
        raise Invalid(str(exc), code="invalid_choice") from exc
    for column, value, label in (
        (Department.name, name, "name"),
        (Department.code, code, "code"),
        (Department.uscc, compact, "unified social credit code"),
    ):
        if session.scalar(select(Department.id).where(column == value)) is not None:
            raise Conflict(
                "a department with this {field} ({value}) already exists",
                code="duplicate_department",
                field=label,
                value=value,
            )
    if parent_id is not None:
        get_department(session, department_id=parent_id)
    dept = Department(
        name=name,
        name_en=name_en.strip(),
        code=code,
        uscc=compact,
        level=level,
        kind=kind,
        parent_id=parent_id,
        is_authority=is_authority,
        region=region,
    )
    session.add(dept)
    session.flush()  # the audit entry names the new id
    audit.record(
        session,
        actor=actor,
        action="department.create",
        object_type="department",
        object_id=dept.id,
        details={"name": name, "code": code, "uscc": compact, "level": level, "kind": kind},
    )
    return dept


def get_department(session: Session, *, department_id: int) -> Department:
    """Gets a department by its id."""
    dept = session.get(Department, department_id)
    if dept is None:
        raise NotFound(
            "no department {department_id}",
            code="department_not_found",
            department_id=department_id,
        )
    return dept


def list_departments(
    session: Session, *, q: str = "", level: str = "", page: int = 1, per_page: int = 50
) -> Page[Department]:
    """Departments matching a search text, by level then name."""
    stmt = select(Department)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(
            or_(
                Department.name.ilike(like),
                Department.name_en.ilike(like),
                Department.code.ilike(like),
            )
        )
    if level:
        stmt = stmt.where(Department.level == level)
    stmt = stmt.order_by(Department.level, Department.code)
    return paginate(session, stmt, page=page, per_page=per_page)


def authority(session: Session) -> Department:
    """The sharing authority of this platform."""
    dept = session.scalar(select(Department).where(Department.is_authority.is_(True)).limit(1))
    if dept is None:
        raise NotFound("no authority department is registered", code="no_authority")
    return dept


# --- personnel registry (GZ 6, 17; ZS 33) ----------------------------------------------------


def personnel_notice_days() -> int | None:
    """Working days within which a personnel change must be filed (GZ 17), or None.

    Where the profile's text is silent (ZS 33 "in a timely manner", ZZ, JS) no filing is ever
    late and no vacancy is flagged: the documented default in docs/profiles.md.
    """
    deadline = get_active_profile().personnel.change_notice
    return deadline.working_days if deadline.kind == "working_days" else None


def _notice_due(session: Session, day: date) -> date | None:
    days = personnel_notice_days()
    return None if days is None else calendar.add_working_days(session, day, days)


def _check_manages(actor: Actor, department_id: int) -> None:
    if actor.has_role(Role.AUTHORITY_ADMIN):
        return
    if actor.department_id != department_id or not actor.has_role(Role.DATA_OFFICER):
        raise Forbidden("you may only manage your own department", code="not_your_department")


def file_person(
    session: Session,
    *,
    actor: Actor,
    department_id: int,
    post: PersonnelRole | str,
    name: str,
    started_on: date,
    today: date,
    position: str = "",
    phone: str = "",
    email: str = "",
) -> ContactPerson:
    """Files who holds a post from `started_on`; a filing after the profile's deadline is marked late."""
    _check_manages(actor, department_id)
    get_department(session, department_id=department_id)
    try:
        post = PersonnelRole(post)
    except ValueError as exc:
        raise Invalid(str(exc), code="invalid_post") from exc
    if not name.strip():
        raise Invalid("the person needs a name", code="missing_name")
    if started_on > today:
        raise Invalid("the change cannot be filed before it happens", code="future_change")
    due = _notice_due(session, started_on)
    person = ContactPerson(
        department_id=department_id,
        post=post,
        name=name.strip(),
        position=position,
        phone=phone,
        email=email,
        started_on=started_on,
        filed_on=today,
        filing_due_on=due,
        filed_late=due is not None and today > due,
    )
    session.add(person)
    session.flush()  # the predecessor points to the new id
    if post != PersonnelRole.SHARING_CONTACT:
        for old in session.scalars(
            select(ContactPerson).where(
                ContactPerson.department_id == department_id,
                ContactPerson.post == post,
                ContactPerson.id != person.id,
                ContactPerson.successor_id.is_(None),
            )
        ):
            old.ended_on = old.ended_on or started_on
            old.successor_id = person.id
            old.successor_due_on = None
            jobs.resolve_flag(
                session,
                actor=actor,
                kind="personnel.vacancy_overdue",
                object_type="contact_person",
                object_id=old.id,
                today=today,
            )
    if person.filed_late:
        jobs.raise_flag(
            session,
            actor=actor,
            kind="personnel.filed_late",
            object_type="contact_person",
            object_id=person.id,
            department_id=department_id,
            due_on=due,
            today=today,
            message=f"{post} change of {started_on} filed on {today}, due by {due}",
        )
    audit.record(
        session,
        actor=actor,
        action="personnel.file",
        object_type="contact_person",
        object_id=person.id,
        details={
            "department_id": department_id,
            "post": post,
            "started_on": started_on.isoformat(),
            "filed_on": today.isoformat(),
            "due_on": due.isoformat() if due else None,
            "late": person.filed_late,
        },
    )
    return person


def end_person(
    session: Session, *, actor: Actor, person_id: int, ended_on: date, today: date
) -> ContactPerson:
    """Records that a person left a post; the successor is due within the profile's deadline."""
    person = session.get(ContactPerson, person_id)
    if person is None:
        raise NotFound(
            "no person {person_id} in the registry", code="person_not_found", person_id=person_id
        )
    _check_manages(actor, person.department_id)
    if person.ended_on is not None:
        raise Conflict("this person has already left the post", code="already_ended")
    if ended_on > today or ended_on < person.started_on:
        raise Invalid("the leaving date must be between the start and today", code="invalid_date")
    person.ended_on = ended_on
    if person.post != PersonnelRole.SHARING_CONTACT:
        person.successor_due_on = _notice_due(session, ended_on)
    audit.record(
        session,
        actor=actor,
        action="personnel.end",
        object_type="contact_person",
        object_id=person.id,
        details={
            "ended_on": ended_on.isoformat(),
            "successor_due_on": str(person.successor_due_on),
        },
    )
    return person


def registry(session: Session, *, department_id: int | None = None) -> list[ContactPerson]:
    """The current holders of every post, visible to all departments (GZ 17)."""
    stmt = select(ContactPerson).where(ContactPerson.ended_on.is_(None))
    if department_id is not None:
        stmt = stmt.where(ContactPerson.department_id == department_id)
    return list(session.scalars(stmt.order_by(ContactPerson.department_id, ContactPerson.post)))


def personnel_history(session: Session, *, department_id: int) -> list[ContactPerson]:
    """Every filing of a department, newest first."""
    stmt = select(ContactPerson).where(ContactPerson.department_id == department_id)
    return list(
        session.scalars(stmt.order_by(ContactPerson.filed_on.desc(), ContactPerson.id.desc()))
    )


def vacancies_overdue(session: Session, *, today: date) -> list[ContactPerson]:
    """Posts left without a filed successor after the deadline, locked for the sweep."""
    stmt = select(ContactPerson).where(
        ContactPerson.successor_due_on.is_not(None),
        ContactPerson.successor_due_on < today,
        ContactPerson.successor_id.is_(None),
    )
    return list(session.scalars(jobs.lock_due(session, stmt)))


# --- users and log-in --------------------------------------------------------------------------


def create_user(
    session: Session,
    *,
    actor: Actor,
    username: str,
    display_name: str,
    password: str,
    role: Role | str,
    department_id: int,
    email: str = "",
) -> User:
    """Creates a console account; authority admins and auditors belong to the authority."""
    username = username.strip().lower()
    if not username or not username.replace("_", "").replace(".", "").replace("-", "").isalnum():
        raise Invalid("a user name is letters, digits, '.', '-' or '_'", code="invalid_username")
    try:
        role = Role(role)
    except ValueError as exc:
        raise Invalid(str(exc), code="invalid_role") from exc
    if role == Role.SERVICE:
        raise Invalid("service accounts use API keys, not log-ins", code="invalid_role")
    dept = get_department(session, department_id=department_id)
    if role in (Role.AUTHORITY_ADMIN, Role.AUDITOR) and not dept.is_authority:
        raise Invalid(
            "a {role} belongs to the authority", code="role_needs_authority", role=str(role)
        )
    _check_password(password)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(
            "the user name {username} is taken", code="duplicate_user", username=username
        )
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        email=email,
        password_hash=_hasher.hash(password),
        role=role,
        department_id=department_id,
    )
    session.add(user)
    session.flush()  # the audit entry names the new id
    audit.record(
        session,
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=user.id,
        details={"username": username, "role": role, "department_id": department_id},
    )
    return user


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            "a password has at least {minimum} characters",
            code="weak_password",
            minimum=MIN_PASSWORD_LENGTH,
        )


def get_user(session: Session, *, user_id: int) -> User:
    """Gets a user by id."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no user {user_id}", code="user_not_found", user_id=user_id)
    return user


def list_users(
    session: Session,
    *,
    department_id: int | None = None,
    q: str = "",
    page: int = 1,
    per_page: int = 50,
) -> Page[User]:
    """Users, optionally of one department, matching a search text."""
    stmt = select(User)
    if department_id is not None:
        stmt = stmt.where(User.department_id == department_id)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(User.username.ilike(like), User.display_name.ilike(like)))
    return paginate(session, stmt.order_by(User.username), page=page, per_page=per_page)


def set_active(session: Session, *, actor: Actor, user_id: int, active: bool) -> User:
    """Enables or disables an account (disabling ends its sessions)."""
    user = get_user(session, user_id=user_id)
    user.active = active
    user.session_version += 1
    audit.record(
        session,
        actor=actor,
        action="user.enable" if active else "user.disable",
        object_type="user",
        object_id=user.id,
    )
    return user


def authenticate(
    session: Session, *, username: str, password: str, now: datetime | None = None
) -> User:
    """Checks a log-in; locks the account after repeated failures. Failures are audited."""
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.active:
        _hasher.hash(password)  # same cost whether or not the account exists
        raise Unauthorized("wrong user name or password", code="invalid_credentials")
    if user.locked_until is not None and user.locked_until > now:
        raise Unauthorized(
            "this account is locked after repeated failed log-ins; try again later",
            code="account_locked",
        )
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        locked = user.failed_logins >= MAX_FAILED_LOGINS
        if locked:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
        audit.record(
            session,
            actor=Actor.system(name=user.username, method=Method.CONSOLE),
            action="auth.lockout" if locked else "auth.failure",
            object_type="user",
            object_id=user.id,
        )
        raise Unauthorized("wrong user name or password", code="invalid_credentials") from None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def change_password(
    session: Session, *, actor: Actor, user_id: int, old_password: str, new_password: str
) -> None:
    """Changes one's own password; other sessions of the user end."""
    user = get_user(session, user_id=user_id)
    if actor.id != user.id:
        raise Forbidden("you may only change your own password", code="not_yourself")
    try:
        _hasher.verify(user.password_hash, old_password)
    except (VerificationError, InvalidHashError):
        raise Unauthorized("the current password is wrong", code="invalid_credentials") from None
    _check_password(new_password)
    user.password_hash = _hasher.hash(new_password)
    user.session_version += 1
    audit.record(
        session, actor=actor, action="user.password", object_type="user", object_id=user.id
    )


def actor_for_user(user: User, method: str) -> Actor:
    """The actor a logged-in user acts as."""
    return Actor(
        kind=ActorKind.USER,
        id=user.id,
        name=user.username,
        method=Method(method),
        department_id=user.department_id,
        roles=frozenset({user.role}),
    )


# --- API keys ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedKey:
    """A new API key; the plain token exists only in this object and is shown once."""

    key: ApiKey
    token: str


def _hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(
    session: Session,
    *,
    actor: Actor,
    department_id: int,
    name: str,
    scopes: list[str],
    valid_days: int = 180,
    now: datetime | None = None,
) -> IssuedKey:
    """Issues a key for a department's business system; only its hash is stored."""
    _check_manages(actor, department_id)
    get_department(session, department_id=department_id)
    if not name.strip():
        raise Invalid("an API key needs a name saying which system uses it", code="missing_name")
    unknown = sorted(set(scopes) - set(API_KEY_SCOPES))
    if unknown or not scopes:
        raise Invalid(
            "scopes must be some of {allowed}; got {given}",
            allowed=", ".join(API_KEY_SCOPES),
            given=", ".join(unknown) or "none",
            code="invalid_scope",
        )
    if not 1 <= valid_days <= MAX_API_KEY_DAYS:
        raise Invalid(
            "a key is valid for 1 to {maximum} days",
            code="invalid_validity",
            maximum=MAX_API_KEY_DAYS,
        )
    now = now or utcnow()
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        department_id=department_id,
        name=name.strip(),
        prefix=prefix,
        key_hash=_hash_token(secret),
        scopes=sorted(set(scopes)),
        created_by_id=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=valid_days),
    )
    session.add(key)
    session.flush()  # the audit entry names the new id
    audit.record(
        session,
        actor=actor,
        action="api_key.create",
        object_type="api_key",
        object_id=key.id,
        details={"prefix": prefix, "scopes": key.scopes, "expires_at": key.expires_at.isoformat()},
    )
    return IssuedKey(key=key, token=f"gs_{prefix}_{secret}")


def authenticate_api_key(session: Session, *, token: str, now: datetime | None = None) -> ApiKey:
    """Resolves a bearer token to its key; refuses unknown, expired and revoked keys."""
    now = now or utcnow()
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "gs":
        raise Unauthorized("malformed API key", code="invalid_api_key")
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    if key is None or not hmac.compare_digest(key.key_hash, _hash_token(parts[2])):
        raise Unauthorized("unknown API key", code="invalid_api_key")
    if key.revoked_at is not None:
        raise Unauthorized("this API key has been revoked", code="api_key_revoked")
    if key.expires_at <= now:
        raise Unauthorized("this API key has expired", code="api_key_expired")
    # at most once a minute, so that one system's requests do not queue on the key's row lock
    if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=1):
        key.last_used_at = now
    return key


def revoke_api_key(
    session: Session, *, actor: Actor, key_id: int, reason: str, now: datetime | None = None
) -> ApiKey:
    """Revokes a key at once, with a reason."""
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound("no API key {key_id}", code="api_key_not_found", key_id=key_id)
    _check_manages(actor, key.department_id)
    if key.revoked_at is not None:
        raise Conflict("this key is already revoked", code="already_revoked")
    if not reason.strip():
        raise Invalid("say why the key is revoked", code="missing_reason")
    key.revoked_at = now or utcnow()
    key.revoked_reason = reason.strip()
    audit.record(
        session,
        actor=actor,
        action="api_key.revoke",
        object_type="api_key",
        object_id=key.id,
        details={"reason": key.revoked_reason},
    )
    return key


def list_api_keys(session: Session, *, department_id: int | None = None) -> list[ApiKey]:
    """API keys, newest first."""
    stmt = select(ApiKey)
    if department_id is not None:
        stmt = stmt.where(ApiKey.department_id == department_id)
    return list(session.scalars(stmt.order_by(ApiKey.created_at.desc())))


def actor_for_key(key: ApiKey) -> Actor:
    """The actor a business system acts as."""
    return Actor(
        kind=ActorKind.SERVICE,
        id=key.id,
        name=f"key:{key.prefix}:{key.name}",
        method=Method.API,
        department_id=key.department_id,
        roles=frozenset({Role.SERVICE}),
    )
