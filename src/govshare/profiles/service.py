"""Loading and checking profiles; the deployment's active profile."""

from __future__ import annotations

import functools
import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from govshare.kit.errors import Invalid, NotFound
from govshare.profiles.schema import Cited, Profile

ENV_VAR = "GOVSHARE_PROFILE"
DEFAULT_PROFILE = "guangzhou"
_PACKAGE = "govshare.profiles"


def _data_dir() -> Any:
    # A Traversable, so that the shipped files are found in a wheel as well as in a checkout.
    return resources.files(_PACKAGE) / "data"


def list_profiles() -> list[str]:
    """The names of the shipped profiles, sorted."""
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in _data_dir().iterdir()
        if entry.is_file() and entry.name.endswith(".toml")
    )


def format_validation_error(exc: ValidationError) -> str:
    """One line per problem, each naming its key as a dotted path (list items as ``[i]``)."""
    lines = []
    for error in exc.errors():
        path = ""
        for part in error["loc"]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        message = str(error["msg"]).removeprefix("Value error, ")
        lines.append(f"{path or '(top level)'}: {message}")
    return "; ".join(lines)


def _decode_error(source: str, text: str, exc: tomllib.TOMLDecodeError) -> Invalid:
    # tomllib reports "(at line N, column M)"; quote the offending line, which holds the key.
    # (Python 3.11's TOMLDecodeError has no lineno attribute, so read it from the message.)
    detail = str(exc)
    found = re.search(r"at line (\d+)", detail)
    lines = text.splitlines()
    if found and 1 <= int(found.group(1)) <= len(lines):
        detail += f": {lines[int(found.group(1)) - 1].strip()!r}"
    return Invalid(f"{source}: not valid TOML: {detail}", code="profile_invalid")


def parse_profile(text: str, *, source: str) -> Profile:
    """Parses and validates profile TOML; Invalid names the offending key."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _decode_error(source, text, exc) from exc
    try:
        return Profile.model_validate(raw)
    except ValidationError as exc:
        raise Invalid(f"{source}: {format_validation_error(exc)}", code="profile_invalid") from exc


def check_profile_file(path: str | os.PathLike[str]) -> Profile:
    """Loads and validates a profile file; NotFound if it is missing, Invalid if it is broken."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise NotFound(f"profile file not found: {file}", code="profile_not_found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise Invalid(f"{file}: cannot read: {exc}", code="profile_invalid") from exc
    return parse_profile(text, source=str(file))


def _looks_like_path(name_or_path: str) -> bool:
    return "/" in name_or_path or os.sep in name_or_path or name_or_path.endswith(".toml")


def load_profile(name_or_path: str) -> Profile:
    """A shipped profile by name (``guangzhou``), or a custom file by path (``./my.toml``)."""
    if _looks_like_path(name_or_path):
        return check_profile_file(name_or_path)
    known = list_profiles()
    if name_or_path not in known:
        raise NotFound(
            f"unknown profile {name_or_path!r}; known profiles: {', '.join(known)} "
            "(or give the path of a custom .toml file)",
            code="profile_not_found",
        )
    entry = _data_dir() / f"{name_or_path}.toml"
    profile = parse_profile(entry.read_text(encoding="utf-8"), source=f"{name_or_path}.toml")
    if profile.name != name_or_path:
        raise Invalid(
            f"{name_or_path}.toml: name: is {profile.name!r}, must match the file name",
            code="profile_invalid",
        )
    return profile


def profile_source(name_or_path: str) -> str:
    """The TOML text of a shipped profile or a custom file (as ``load_profile`` resolves it)."""
    if _looks_like_path(name_or_path):
        try:
            return Path(name_or_path).read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise NotFound(
                f"profile file not found: {name_or_path}", code="profile_not_found"
            ) from exc
    if name_or_path not in list_profiles():
        raise NotFound(f"unknown profile {name_or_path!r}", code="profile_not_found")
    text: str = (_data_dir() / f"{name_or_path}.toml").read_text(encoding="utf-8")
    return text


@functools.cache
def _cached(name_or_path: str) -> Profile:
    return load_profile(name_or_path)


def get_active_profile() -> Profile:
    """The deployment's profile: ``GOVSHARE_PROFILE`` (a name or a path), default guangzhou.

    Loaded once per value and cached; call ``clear_profile_cache()`` after editing a custom file.
    """
    return _cached(os.environ.get(ENV_VAR) or DEFAULT_PROFILE)


def clear_profile_cache() -> None:
    """Forgets the loaded profiles (tests, or an operator reloading a custom file)."""
    _cached.cache_clear()


@dataclass(frozen=True)
class RuleRow:
    """One rule of a profile as a line of a table (CLI ``profile show``, the console)."""

    key: str
    rule: str
    article: str
    silent: bool
    quote: str | None
    note: str | None


def _walk(obj: object, path: str) -> Iterator[RuleRow]:
    if isinstance(obj, Cited):
        yield RuleRow(
            key=path,
            rule=obj.describe(),
            article=obj.citation(),
            silent=obj.is_silent,
            quote=obj.quote,
            note=obj.note,
        )
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _walk(getattr(obj, name), f"{path}.{name}" if path else name)
    elif isinstance(obj, list):
        for index, item in enumerate(obj):
            yield from _walk(item, f"{path}[{index}]")


def describe_rules(profile: Profile) -> list[RuleRow]:
    """Every rule of the profile, in file order, with its article and whether it is silent."""
    return list(_walk(profile, ""))
