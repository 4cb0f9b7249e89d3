"""The four shipped profiles: each validates, and each says what its text says."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from govshare.kit.errors import Invalid
from govshare.profiles.schema import Profile
from govshare.profiles.service import describe_rules, list_profiles, load_profile

PREFIX = {"guangzhou": "GZ", "zhongshan": "ZS", "zhengzhou": "ZZ", "jiangsu": "JS"}
REGULATIONS = Path("/work/shared/regulations")


@pytest.fixture(scope="module")
def gz() -> Profile:
    return load_profile("guangzhou")


@pytest.fixture(scope="module")
def zs() -> Profile:
    return load_profile("zhongshan")


@pytest.fixture(scope="module")
def zz() -> Profile:
    return load_profile("zhengzhou")


@pytest.fixture(scope="module")
def js() -> Profile:
    return load_profile("jiangsu")


def test_the_four_profiles_are_shipped() -> None:
    assert list_profiles() == ["guangzhou", "jiangsu", "zhengzhou", "zhongshan"]


@pytest.mark.parametrize("name", sorted(PREFIX))
def test_shipped_profile_validates_and_cites_only_its_own_text(name: str) -> None:
    profile = load_profile(name)
    assert profile.name == name
    rows = describe_rules(profile)
    assert len(rows) > 60
    for row in rows:
        if row.silent:
            assert row.note, f"{row.key} is silent without saying why"
        else:
            assert row.article != "(no article)", f"{row.key} cites no article"
        if row.article.startswith("("):
            continue
        # A copy-paste from another profile would cite the other jurisdiction's text.
        for part in row.article.split(","):
            assert part.strip().startswith(PREFIX[name] + " "), f"{row.key}: {row.article}"


_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_number(n: int) -> str:
    digits = {v: k for k, v in _CN_DIGITS.items()}
    tens, ones = divmod(n, 10)
    text = "" if tens == 0 else ("十" if tens == 1 else digits[tens] + "十")
    return text + (digits[ones] if ones else "")


@pytest.mark.skipif(not REGULATIONS.is_dir(), reason="the regulation texts are not on this machine")
@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("guangzhou", None),
        ("zhongshan", "Article {n} "),
    ],
)
def test_cited_articles_exist_in_the_text(name: str, pattern: str | None) -> None:
    files = {"guangzhou": "002_10a140838ad2154b.txt", "zhongshan": "001_179758b42cd8ad3d.txt"}
    text = (REGULATIONS / files[name]).read_text(encoding="utf-8")
    numbers = set()
    for row in describe_rules(load_profile(name)):
        numbers.update(int(n) for n in re.findall(rf"{PREFIX[name]} (\d+)", row.article))
    assert numbers
    for n in sorted(numbers):
        if pattern is None:
            # GZ 14 and 15 are printed "第十四 条" in the original.
            assert re.search(rf"第{_cn_number(n)}\s*条", text), f"GZ {n} not in the text"
        elif n == 32:
            assert "Article 22 The municipal government data department shall, in collab" in text
        else:
            assert pattern.format(n=n) in text, f"ZS {n} not in the text"


# --- Guangzhou ------------------------------------------------------------------------------


def test_guangzhou_applications(gz: Profile) -> None:
    # GZ Art. 26: answer within 5 working days; silence = deemed agreed; share within 5 WD.
    assert gz.applications.response.working_days == 5
    assert gz.applications.on_silence.effect == "deemed_consent"
    assert gz.applications.on_silence.provide_within is None
    assert gz.applications.delivery.working_days == 5
    assert gz.applications.refusal_reasons_required.enabled
    # GZ Art. 27: cross-level requests follow the same procedure.
    assert gz.applications.cross_level_route.value == "same_procedure"
    # GZ draws no secrets/privacy distinction: the same 5 WD apply.
    assert gz.applications.response_deadline(involves_secret_or_privacy=True).working_days == 5


def test_guangzhou_catalogue_and_data(gz: Profile) -> None:
    # GZ Art. 8: department 15 WD after a change; authority 15 WD after receipt; no full review.
    assert gz.catalogue.department_update.working_days == 15
    assert gz.catalogue.authority_review.working_days == 15
    assert gz.catalogue.full_review.silent
    # GZ Art. 10: basic information is unconditional; no sharing needs law / central policy.
    assert gz.catalogue.basic_unconditional.enabled
    assert gz.catalogue.no_sharing_basis.accepted == [
        "law",
        "administrative_regulation",
        "central_policy",
    ]
    # GZ Art. 19: basic info in real time, other 5 WD, approved exception 10 WD per quarter.
    assert gz.data.update_basic.real_time
    assert gz.data.update_other.working_days == 5
    assert gz.data.update_exception.requires == "authority_approval"
    assert gz.data.update_exception.period == "quarter"
    assert gz.data.update_exception.fallback is not None
    assert gz.data.update_exception.fallback.working_days == 10
    # GZ Art. 20 / 22: identifiers, name + ID with person data.
    assert gz.data.subject_keys_mandatory.enabled
    assert gz.data.person_name_and_id_required.enabled
    # GZ Art. 20: no state secrets on the platform.
    assert gz.sharing.state_secret_allowed.value is False


def test_guangzhou_quality_personnel_complaints_reports(gz: Profile) -> None:
    # GZ Art. 30: the provider answers a verification request in 5 WD and corrects at once.
    assert gz.verification_requests.answer.working_days == 5
    assert gz.verification_requests.answered_by.value == "provider"
    assert gz.verification_requests.correct_with_answer.enabled
    # GZ Art. 33: the party is never sent to the provider.
    assert gz.verification_requests.party_not_sent_to_provider.enabled
    # GZ Art. 17: personnel changes notified in writing within 5 WD.
    assert gz.personnel.change_notice.require_working_days("personnel change") == 5
    assert gz.personnel.notice_in_writing.enabled
    # GZ Art. 36: complaints answered within 15 WD, in writing.
    assert gz.complaints.answer.working_days == 15
    assert gz.complaints.answer_in_writing.enabled
    # GZ Art. 37: departments by end of January, the authority by end of February.
    assert gz.annual_reports.department.due_date(2025) == dt.date(2026, 1, 31)
    assert gz.annual_reports.authority.due_date(2025) == dt.date(2026, 2, 28)
    assert gz.annual_reports.authority.due_date(2027) == dt.date(2028, 2, 29)
    assert not gz.annual_reports.authority.published_to_public
    # GZ Art. 31: error reports filed with the authority.
    assert gz.error_reports.filing_required.enabled
    # GZ Art. 43: eight grounds, escalation to the people's government.
    assert len(gz.rectification.grounds) == 9  # item (3) holds two grounds
    assert gz.rectification.escalate_to.value == "people_government"


def test_guangzhou_dispute_ladder(gz: Profile) -> None:
    # GZ Art. 28: negotiation -> coordination -> joint review -> ruling; then 5 WD to provide.
    ladder = gz.disputes.ladder_for("application")
    assert ladder is not None
    assert [s.key for s in ladder.steps] == [
        "negotiation",
        "coordination",
        "joint_review",
        "decision",
    ]
    assert [s.decided_by for s in ladder.steps] == [
        "parties",
        "authority",
        "joint_review",
        "people_government",
    ]
    assert "public_sector_reform_department" in ladder.steps[2].participants
    assert all(s.deadline.silent for s in ladder.steps)
    assert ladder.provide_after_decision.working_days == 5
    # GZ Art. 28 ¶2: cross-level disputes go to the municipal authority.
    cross = gz.disputes.ladder_for("cross_level")
    assert cross is not None and cross.key == "cross_level"
    assert cross.steps[1].level == "municipal"


def test_guangzhou_is_silent_where_its_text_is(gz: Profile) -> None:
    assert gz.sharing.public_security_unconditional.silent
    assert not gz.sharing.public_security_unconditional.enabled
    assert gz.opendata.disclosure.silent
    assert gz.classification.grades.silent
    assert gz.evaluation.weights.silent


# --- Zhongshan ------------------------------------------------------------------------------


def test_zhongshan_applications(zs: Profile) -> None:
    # ZS Art. 22: reply in 5 business days; on silence the data department provides in 5 BD.
    assert zs.applications.response.working_days == 5
    assert zs.applications.response.wording == "business days"
    assert zs.applications.on_silence.effect == "authority_provides"
    assert zs.applications.on_silence.provide_within is not None
    assert zs.applications.on_silence.provide_within.working_days == 5
    assert zs.applications.delivery.working_days == 5
    # ZS Art. 22 ¶4: public security gets data unconditionally.
    assert zs.sharing.public_security_unconditional.enabled
    # ZS Art. 19(iii): minimum necessary data.
    assert zs.sharing.minimum_necessary.enabled
    # ZS Art. 24: cross-level requests go through the data department.
    assert zs.applications.cross_level_route.value == "via_authority"


def test_zhongshan_catalogue_data_classification(zs: Profile) -> None:
    # ZS Art. 11: 5 BD each side, and a full review at least once a year.
    assert zs.catalogue.department_update.working_days == 5
    assert zs.catalogue.authority_review.working_days == 5
    assert zs.catalogue.full_review.months == 12
    # ZS Art. 9: sample data is a catalogue element.
    assert "sample_data" in zs.catalogue.catalogue_fields.fields
    # ZS Art. 18: everything in real time; otherwise report with evidence, no fallback.
    assert zs.data.update_basic.real_time and zs.data.update_other.real_time
    assert zs.data.update_exception.requires == "report_with_evidence"
    assert zs.data.update_exception.fallback is None
    # ZS Art. 17: the data department organises divergence reviews.
    assert zs.data.divergence_resolved_by.value == "authority"
    # ZS Art. 8: grading is required but the grades are left to the data department.
    assert zs.classification.grading_required.enabled
    assert zs.classification.grades.silent


def test_zhongshan_quality_reports_opendata(zs: Profile) -> None:
    # ZS Art. 23: the data department with the provider, 5 BD.
    assert zs.verification_requests.answer.working_days == 5
    assert zs.verification_requests.answered_by.value == "authority_with_provider"
    # ZS Art. 33: personnel changes "in a timely manner": no number, so the action is refused.
    assert zs.personnel.change_notice.silent
    with pytest.raises(Invalid, match="silent"):
        zs.personnel.change_notice.require_working_days("personnel change")
    # ZS Art. 35: the data department by end of March, published; departments on request.
    assert zs.annual_reports.authority.due_date(2025) == dt.date(2026, 3, 31)
    assert zs.annual_reports.authority.published_to_public
    assert zs.annual_reports.department.on_request_only
    assert zs.annual_reports.department.due_date(2025) is None
    # ZS Art. 27: open data within 20 business days, after approval.
    assert zs.opendata.disclosure.working_days == 20
    assert zs.opendata.approval_required.enabled
    # ZS has no complaint procedure.
    assert zs.complaints.answer.silent


def test_zhongshan_dispute_ladders(zs: Profile) -> None:
    # ZS Art. 37: negotiation -> data department -> municipal government; no provide deadline.
    ladder = zs.disputes.ladder_for("application")
    assert ladder is not None and ladder.key == "management"
    assert [s.decided_by for s in ladder.steps] == ["parties", "authority", "people_government"]
    assert ladder.provide_after_decision.silent
    # ZS Art. 10: sharing-type disputes are settled by the data department.
    typed = zs.disputes.ladder_for("sharing_type")
    assert typed is not None and [s.decided_by for s in typed.steps] == ["authority"]


# --- Zhengzhou ------------------------------------------------------------------------------


def test_zhengzhou_sets_no_application_deadlines(zz: Profile) -> None:
    # ZZ Art. 18: conditions and procedures, but no time limit and no silence rule.
    assert zz.applications.response.silent
    assert zz.applications.on_silence.silent
    assert zz.applications.on_silence.effect is None
    assert zz.applications.delivery.silent
    with pytest.raises(Invalid, match="ZZ 18"):
        zz.applications.response.require_working_days("application answer")


def test_zhengzhou_evaluation_and_updates(zz: Profile) -> None:
    # ZZ Art. 31: evaluated at least once a year on quantity, update timeliness and use.
    assert zz.evaluation.period.months == 12
    assert zz.evaluation.metrics_named.value == ["shared_quantity", "update_timeliness", "use"]
    # ZZ Art. 24: real-time updates.
    assert zz.data.update_other.real_time
    # ZZ Art. 21: errors go to the authority, "in a timely manner".
    assert zz.verification_requests.answered_by.value == "authority"
    assert zz.verification_requests.answer.silent
    # ZZ Art. 32: complaints answered "promptly": no number.
    assert zz.complaints.answer.silent


def test_zhengzhou_ladder_has_one_step_and_no_general_rule(zz: Profile) -> None:
    # ZZ Art. 18: disputes over conditions are coordinated by the sharing authority.
    ladder = zz.disputes.ladder_for("application")
    assert ladder is not None
    assert [s.decided_by for s in ladder.steps] == ["authority"]
    assert zz.disputes.ladder_for("general") is None
    assert zz.disputes.ladder_for("state_secret") is None


# --- Jiangsu --------------------------------------------------------------------------------


def test_jiangsu_applications(js: Profile) -> None:
    # JS Art. 18: 15 WD only where state secrets, business secrets or privacy are involved.
    assert js.applications.response_deadline(involves_secret_or_privacy=True).working_days == 15
    assert js.applications.response_deadline(involves_secret_or_privacy=False).silent
    assert js.applications.on_silence.silent
    # JS Art. 18: a refusal is reasoned in writing and submitted to the information department.
    assert js.applications.refusal_reported_to_authority.enabled
    # JS Art. 19: a confidentiality agreement.
    assert js.sharing.confidentiality_agreement_required.enabled


def test_jiangsu_updates_and_divergence(js: Profile) -> None:
    # JS Art. 15: 20 working days after the change, for all data.
    assert js.data.update_basic.working_days == 20
    assert js.data.update_other.working_days == 20
    # JS Art. 11: the collecting organ verifies divergent values.
    assert js.data.divergence_resolved_by.value == "collecting_department"
    # JS Art. 17: publication needs the provider's consent.
    assert js.opendata.provider_consent_required.enabled


def test_jiangsu_ladders_by_kind(js: Profile) -> None:
    # JS Art. 13: consultation, then the people's government at the same level.
    ladder = js.disputes.ladder_for("application")
    assert ladder is not None
    assert [s.decided_by for s in ladder.steps] == ["parties", "people_government"]
    # JS Art. 19: state secrets -> the secrecy department; trade secrets / privacy -> outside.
    secret = js.disputes.ladder_for("state_secret")
    assert secret is not None and secret.steps[0].decided_by == "secrecy_department"
    private = js.disputes.ladder_for("trade_secret_or_privacy")
    assert private is not None and private.steps[0].outside_platform
    # A cross-level dispute falls back to the general ladder.
    assert js.disputes.ladder_for("cross_level") is ladder


# --- across profiles ------------------------------------------------------------------------


def test_silence_means_different_things() -> None:
    effects = {n: load_profile(n).applications.on_silence.effect for n in PREFIX}
    assert effects == {
        "guangzhou": "deemed_consent",  # GZ Art. 26
        "zhongshan": "authority_provides",  # ZS Art. 22
        "zhengzhou": None,  # ZZ: silent
        "jiangsu": None,  # JS Art. 18: a limit, no consequence
    }


def test_business_days_are_recorded_as_worded() -> None:
    wordings = {
        n: load_profile(n).catalogue.department_update.wording for n in ("guangzhou", "zhongshan")
    }
    assert wordings == {"guangzhou": "工作日", "zhongshan": "business days"}
