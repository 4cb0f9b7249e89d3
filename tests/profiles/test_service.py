"""Loading, validating and choosing profiles; broken files are refused naming the key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from govshare.kit.errors import Invalid, NotFound
from govshare.profiles import service
from govshare.profiles.schema import Deadline, Flag, Silence


def _gz_text() -> str:
    return service.profile_source("guangzhou")


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, f"fixture text not found: {old!r}"
    return text.replace(old, new, 1)


def _write(tmp_path: Path, text: str, name: str = "custom.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# GZ Art. 26's block in the shipped file, edited by several tests below.
RESPONSE = '[applications.response]\narticle = "GZ 26"\nworking_days = 5\n'


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    service.clear_profile_cache()
    yield
    service.clear_profile_cache()


def test_unknown_name_is_not_found_and_names_the_known_profiles() -> None:
    with pytest.raises(NotFound) as info:
        service.load_profile("shenzhen")
    assert "shenzhen" in info.value.message
    assert "guangzhou, jiangsu, zhengzhou, zhongshan" in info.value.message


def test_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="not found"):
        service.load_profile(str(tmp_path / "absent.toml"))


def test_a_custom_file_loads_by_path(tmp_path: Path) -> None:
    text = _edit(_gz_text(), 'name = "guangzhou"', 'name = "gz-district"')
    text = _edit(text, RESPONSE, RESPONSE.replace("working_days = 5", "working_days = 3"))
    profile = service.load_profile(str(_write(tmp_path, text)))
    assert profile.name == "gz-district"
    assert profile.applications.response.working_days == 3


def test_a_string_where_a_number_belongs_is_refused_naming_the_key(tmp_path: Path) -> None:
    text = _edit(_gz_text(), RESPONSE, RESPONSE.replace("working_days = 5", 'working_days = "5"'))
    with pytest.raises(Invalid) as info:
        service.check_profile_file(_write(tmp_path, text))
    assert "applications.response.working_days: Input should be a valid integer" in (
        info.value.message
    )
    assert info.value.code == "profile_invalid"


def test_a_misspelt_key_is_refused_naming_it(tmp_path: Path) -> None:
    text = _edit(_gz_text(), "[applications.response]", "[applications.respones]")
    with pytest.raises(Invalid) as info:
        service.check_profile_file(_write(tmp_path, text))
    message = info.value.message
    assert "applications.respones: Extra inputs are not permitted" in message
    assert "applications.response: Field required" in message


def test_an_extra_key_inside_a_rule_is_refused(tmp_path: Path) -> None:
    text = _edit(_gz_text(), RESPONSE, RESPONSE + "days = 5\n")
    with pytest.raises(Invalid, match=r"applications\.response\.days: Extra inputs"):
        service.check_profile_file(_write(tmp_path, text))


def test_a_deadline_with_a_number_and_silent_is_refused(tmp_path: Path) -> None:
    text = _edit(_gz_text(), RESPONSE, RESPONSE + "silent = true\n")
    with pytest.raises(Invalid, match=r"applications\.response: set exactly one of"):
        service.check_profile_file(_write(tmp_path, text))


def test_a_rule_without_article_is_refused(tmp_path: Path) -> None:
    text = _edit(_gz_text(), RESPONSE, RESPONSE.replace('article = "GZ 26"\n', ""))
    with pytest.raises(Invalid, match=r"applications\.response: article is required"):
        service.check_profile_file(_write(tmp_path, text))


def test_an_error_in_a_dispute_step_names_its_position(tmp_path: Path) -> None:
    text = _edit(_gz_text(), 'decided_by = "joint_review"', 'decided_by = "the_mayor"')
    with pytest.raises(Invalid, match=r"disputes\.ladders\[0\]\.steps\[2\]\.decided_by: Input"):
        service.check_profile_file(_write(tmp_path, text))


def test_malformed_toml_is_refused_quoting_the_line(tmp_path: Path) -> None:
    text = _edit(_gz_text(), "working_days = 15", "working_days = = 15")
    with pytest.raises(Invalid) as info:
        service.check_profile_file(_write(tmp_path, text))
    assert "not valid TOML" in info.value.message
    assert "working_days = = 15" in info.value.message


def test_wrong_type_for_a_date_is_refused(tmp_path: Path) -> None:
    text = _edit(_gz_text(), "in_force = 2019-07-01", 'in_force = "July 2019"')
    with pytest.raises(Invalid, match="in_force: Input should be a valid date"):
        service.check_profile_file(_write(tmp_path, text))


def test_custom_grades_validate_and_must_be_ordered(tmp_path: Path) -> None:
    grades = (
        '[classification.grades]\narticle = "ZS 8"\n'
        '[[classification.grades.levels]]\nlevel = 1\nname = "public"\n'
        'encrypt_at_rest = false\nopen_data = "allowed"\n'
        '[[classification.grades.levels]]\nlevel = {second}\nname = "sensitive"\n'
        'encrypt_at_rest = true\nopen_data = "never"\n'
    )
    silent_grades = (
        '[classification.grades]\nsilent = true\nnote = "No data grades are defined in the text."\n'
    )
    base = _edit(_gz_text(), silent_grades, "{grades}")
    good = service.check_profile_file(
        _write(tmp_path, base.replace("{grades}", grades.replace("{second}", "2")), "good.toml")
    )
    assert [g.encrypt_at_rest for g in good.classification.grades.levels] == [False, True]
    with pytest.raises(Invalid, match=r"classification\.grades: levels must be listed once"):
        service.check_profile_file(
            _write(tmp_path, base.replace("{grades}", grades.replace("{second}", "1")), "bad.toml")
        )


def test_active_profile_defaults_to_guangzhou(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVSHARE_PROFILE", raising=False)
    assert service.get_active_profile().name == "guangzhou"


def test_active_profile_follows_the_environment_and_is_cached(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GOVSHARE_PROFILE", "zhongshan")
    first = service.get_active_profile()
    assert first.name == "zhongshan"
    assert service.get_active_profile() is first
    service.clear_profile_cache()
    assert service.get_active_profile() is not first


def test_active_profile_can_be_a_custom_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = _write(tmp_path, _edit(_gz_text(), 'name = "guangzhou"', 'name = "mine"'))
    monkeypatch.setenv("GOVSHARE_PROFILE", str(path))
    assert service.get_active_profile().name == "mine"


def test_an_unknown_active_profile_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVSHARE_PROFILE", "atlantis")
    with pytest.raises(NotFound, match="known profiles"):
        service.get_active_profile()


# --- the rule models directly ---------------------------------------------------------------


def test_deadline_kinds_and_refusal() -> None:
    assert Deadline(article="X 1", working_days=5).require_working_days("x") == 5
    real_time = Deadline(article="X 1", real_time=True)
    with pytest.raises(Invalid, match="real time"):
        real_time.require_working_days("update")
    silent = Deadline(silent=True, note="the text says nothing")
    assert silent.working_days is None
    with pytest.raises(Invalid) as info:
        silent.require_working_days("complaint answer")
    assert info.value.code == "profile_silent"
    assert "complaint answer" in info.value.message


def test_a_silent_rule_must_say_why() -> None:
    with pytest.raises(ValueError, match="needs a note"):
        Deadline(silent=True)
    with pytest.raises(ValueError, match="needs a note"):
        Flag(silent=True)


def test_flag_needs_value_or_silent_not_both() -> None:
    with pytest.raises(ValueError, match="either value or silent"):
        Flag(article="X 1", value=True, silent=True, note="n")
    with pytest.raises(ValueError, match="either value or silent"):
        Flag(article="X 1")
    assert Flag(silent=True, note="n").enabled is False


def test_authority_provides_needs_its_deadline() -> None:
    with pytest.raises(ValueError, match="provide_within"):
        Silence(article="X 1", effect="authority_provides")
    with pytest.raises(ValueError, match="provide_within"):
        Silence(
            article="X 1",
            effect="deemed_consent",
            provide_within=Deadline(article="X 1", working_days=5),
        )


def test_two_ladders_cannot_claim_the_same_kind(tmp_path: Path) -> None:
    text = _edit(_gz_text(), 'applies_to = ["cross_level"]', 'applies_to = ["application"]')
    with pytest.raises(Invalid, match="'application' is claimed by two ladders"):
        service.check_profile_file(_write(tmp_path, text))


def test_describe_rules_lists_every_rule_with_its_article() -> None:
    rows = {r.key: r for r in service.describe_rules(service.load_profile("guangzhou"))}
    assert rows["applications.response"].rule == "5 working days (工作日)"
    assert rows["applications.response"].article == "GZ 26"
    assert rows["personnel.change_notice"].article == "GZ 17"
    assert rows["sharing.public_security_unconditional"].silent
    assert rows["disputes.ladders[0].provide_after_decision"].rule.startswith("5 working days")
