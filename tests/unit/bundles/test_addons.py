"""The add-on recommender's counts, scores, evidence and the telco sample's reader."""

from __future__ import annotations

import pytest

from rewards.bundles.addons import (
    AddonCounts,
    AddonDataError,
    AddonProfile,
    addon_counts_fit,
    addon_hit_rate_evaluate,
    addon_profile_from_attributes,
    addon_profiles_from_csv,
    addon_recommend,
    popular_recommend,
)

HEADER = (
    "customerID,InternetService,OnlineSecurity,OnlineBackup,DeviceProtection,TechSupport,"
    "StreamingTV,StreamingMovies,Contract"
)


def profile(*services, plan="Month-to-month", internet="DSL") -> AddonProfile:
    return AddonProfile(frozenset(services), plan, internet)


def test_counting_profiles_and_counting_groups_agree():
    profiles = [profile("online_backup", "tech_support")] * 3 + [profile("streaming_tv")] * 2
    by_rows = addon_counts_fit(profiles)
    by_group = AddonCounts()
    by_group.add_group(
        size=5, plan="Month-to-month", internet="DSL",
        service_counts={"online_backup": 3, "tech_support": 3, "streaming_tv": 2},
        pair_counts={("online_backup", "tech_support"): 3},
    )
    assert by_rows.as_json() == by_group.as_json()
    assert AddonCounts.from_json(by_rows.as_json()).as_json() == by_rows.as_json()


def test_ineligible_profiles_are_not_counted():
    counts = addon_counts_fit([profile("online_backup"), AddonProfile(eligible=False)])
    assert counts.customers == 1


def test_the_model_follows_what_goes_together_where_the_baseline_follows_popularity():
    # streaming TV is the most popular; but those with backup almost always have security
    profiles = (
        [profile("streaming_tv")] * 50
        + [profile("online_backup", "online_security")] * 30
        + [profile("online_backup")] * 2
    )
    counts = addon_counts_fit(profiles)
    member = profile("online_backup")
    assert popular_recommend(counts, member, limit=1) == ["streaming_tv"]
    best = addon_recommend(counts, member, limit=1)[0]
    assert best.service == "online_security"
    assert (best.because, round(best.percent)) == ("online_backup", 94)  # 30 of 32


def test_recommendations_exclude_what_the_member_has_and_respect_the_limit():
    counts = addon_counts_fit([profile("online_backup", "tech_support", "streaming_tv")] * 5)
    found = addon_recommend(counts, profile("online_backup"), limit=3)
    assert len(found) == 3
    assert "online_backup" not in {a.service for a in found}
    assert addon_recommend(None, profile(), limit=3) == []
    assert addon_recommend(counts, profile(), limit=0) == []


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        pytest.param({}, AddonProfile(plan="P", eligible=False), id="no-billing-data"),
        pytest.param(
            {"online_backup": "Yes", "tech_support": "No", "internet_service": "DSL"},
            AddonProfile(frozenset({"online_backup"}), "P", "DSL"), id="held-and-not",
        ),
        pytest.param(
            {"online_backup": "No internet service", "internet_service": "No"},
            AddonProfile(frozenset(), "P", "No", eligible=False), id="no-internet",
        ),
    ],
)
def test_a_members_profile_comes_from_the_imported_attributes(attributes, expected):
    assert addon_profile_from_attributes(attributes, plan="P") == expected


def test_the_reader_takes_the_telco_columns():
    lines = [HEADER, "A-1,DSL,Yes,No,No,Yes,No,No,One year", "B-2,No,No internet service,"
             + ",".join(["No internet service"] * 5) + ",Month-to-month"]
    found = dict(addon_profiles_from_csv(lines))
    assert found["A-1"] == AddonProfile(frozenset({"online_security", "tech_support"}), "One year", "DSL")
    assert not found["B-2"].eligible


def test_the_reader_names_every_bad_row_and_missing_columns():
    lines = [HEADER, "A-1,DSL,Maybe,No,No,No,No,No,One year", "A-1,DSL,No,No,No,No,No,No,One year",
             "A-1,DSL,No,No,No,No,No,No,One year"]
    with pytest.raises(AddonDataError) as raised:
        addon_profiles_from_csv(lines)
    assert [line for line, _message in raised.value.problems] == [2, 4]
    with pytest.raises(AddonDataError, match="missing columns: Contract"):
        addon_profiles_from_csv([HEADER.removesuffix(",Contract"), "A-1,DSL,No,No,No,No,No,No"])


def test_the_evaluation_hides_one_add_on_and_counts_hits():
    # every customer has backup and security: hiding one, the other predicts it
    profiles = [(f"c{i:03}", profile("online_backup", "online_security")) for i in range(40)]
    profiles += [(f"d{i:03}", profile("streaming_tv", "streaming_movies", "tech_support")) for i in range(60)]
    result = addon_hit_rate_evaluate(profiles, seed=3, test_share=0.5, limit=1)
    assert result.test_customers == 50
    assert result.hit_rate == 1.0
    assert result.baseline_hit_rate < 1.0
