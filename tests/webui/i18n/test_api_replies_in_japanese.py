"""The API's replies in the language the script asks for (Accept-Language), as its
refusals are: a committee member's vote and conflict of interest, a tranche released, a bad
Idempotency-Key."""

from __future__ import annotations

import pytest

from tests.webui.api.conftest import bearer, make_token_for
from tests.workflow.committee.conftest import (  # noqa: F401 - the committee's fixtures
    donate,
    in_committee,
    members,
    secretariat,
)
from tests.workflow.money.conftest import request, scene  # noqa: F401 - a file's money


@pytest.mark.parametrize(("language", "said"), [
    ("ja", ": あなたの投票は「承認」です。"),
    ("en", ": your vote is “Approve”."),
])
def test_a_vote_through_the_api_is_confirmed_in_the_scripts_language(
        client, in_committee, members, language, said):  # noqa: F811
    application = in_committee()
    headers = {**bearer(make_token_for(members(3)[0])), "Accept-Language": language}
    reply = client.post(f"/api/v1/applications/{application.id}/votes",
                        json={"choice": "approve"}, headers=headers)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    assert reply.get_json()["message"] == application.reference + said


@pytest.mark.parametrize(("language", "said"), [
    ("ja", ": 利益相反の申告を記録しました。この投票からは除斥されます。"),
    ("en", ": your conflict of interest is recorded; you are recused from this ballot."),
])
def test_a_conflict_declared_through_the_api_is_confirmed_in_the_scripts_language(
        client, in_committee, members, language, said):  # noqa: F811
    application = in_committee()
    headers = {**bearer(make_token_for(members(3)[0])), "Accept-Language": language}
    reply = client.post(f"/api/v1/applications/{application.id}/conflicts",
                        json={"reason": "My society is the applicant's partner."},
                        headers=headers)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    assert reply.get_json()["message"] == application.reference + said


@pytest.mark.parametrize(("language", "said"), [
    ("ja", "第 1 回分割実行（¥300,000）を {} に交付しました。"),
    ("en", "Tranche 1 of ¥300,000 released to {}."),
])
def test_a_tranche_released_through_the_api_is_confirmed_in_the_scripts_language(
        client, scene, make_user, language, said):  # noqa: F811
    application = scene()
    tranche = request(application, 300_000, make_user("finance_officer"))
    headers = {**bearer(make_token_for(make_user("finance_officer"))),
               "Accept-Language": language}
    reply = client.post(f"/api/v1/tranches/{tranche.id}/authorise", headers=headers)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    assert reply.get_json()["message"] == said.format(application.reference)


def test_a_bad_idempotency_key_is_refused_in_the_scripts_language(
        client, in_committee, members):  # noqa: F811
    application = in_committee()
    headers = {**bearer(make_token_for(members(3)[0])), "Accept-Language": "ja",
               "Idempotency-Key": "x" * 1000}
    reply = client.post(f"/api/v1/applications/{application.id}/votes",
                        json={"choice": "approve"}, headers=headers)
    assert reply.status_code == 400
    assert reply.get_json()["detail"].startswith("Idempotency-Key は")
