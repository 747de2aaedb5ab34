"""The gate policy file: defaults load, bad files fail in one line naming the field, the hash
tracks content and only content."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from app.errors import ConfigError
from evals.gate import DEFAULT_POLICY_PATH, GatePolicy, MetricRule, load_policy, parse_policy


def _defaults() -> dict[str, object]:
    return yaml.safe_load(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))


def test_the_shipped_policy_loads_with_the_documented_rules() -> None:
    policy = load_policy()
    assert policy.alpha == 0.05 and policy.power == 0.8 and policy.min_judge_kappa == 0.4
    fabrication = policy.metrics["fabrication"]
    assert fabrication.zero_tolerance and fabrication.blocking and fabrication.kind == "zero-tolerance"
    assert {"trap", "employer", "title", "date", "degree", "school", "certification"} <= set(
        fabrication.hard_offense_kinds
    )
    assert policy.metrics["structure"].hard_offense_kinds == ["contact"]
    assert policy.metrics["cost_per_case"].relative_margin == pytest.approx(0.10)
    assert policy.metrics["latency_p95"].relative_margin == pytest.approx(0.20)
    assert policy.metrics["jd_coverage"].measure == "lift"
    for name in ("narrative", "structure", "jd_coverage", "semantic_similarity", "rewrite_acceptance"):
        assert policy.metrics[name].kind == "margin" and policy.metrics[name].blocking, name


def test_patterns_cover_judge_and_ragas_metrics_but_exact_names_win() -> None:
    policy = load_policy()
    judge = policy.rule_for("judge_relevance")
    assert judge is not None and judge.judged
    ragas = policy.rule_for("ragas_faithfulness")
    assert ragas is not None and ragas.judged
    assert policy.rule_for("length_and_style") is None
    assert "judge_*" not in policy.named_metrics() and "fabrication" in policy.named_metrics()


def test_a_misspelt_key_fails_naming_it(tmp_path: Path) -> None:
    data = _defaults()
    data["metrics"]["fabrication"]["zero_tolerence"] = True  # type: ignore[index]
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_policy(path)
    assert "metrics.fabrication.zero_tolerence" in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"alpha": 1.5}, "alpha"),
        ({"bootstraps": 10}, "bootstraps"),
        ({"sequential": {"spending": "pocock"}}, "sequential.spending"),
        ({"metrics": {"cost": {"compare": "mean", "relative_margin": 0.1}}}, "metrics.cost"),
        (
            {"metrics": {"narrative": {"compare": "pass_rate", "direction": "lower", "margin": 0.1}}},
            "metrics.narrative",
        ),
    ],
)
def test_a_bad_value_fails_naming_the_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(ConfigError, match=field.replace(".", r"\.")):
        parse_policy({**_defaults(), **change})


def test_an_unreadable_or_non_mapping_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_policy(tmp_path / "absent.yaml")
    listed = tmp_path / "list.yaml"
    listed.write_text("- alpha\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="mapping"):
        load_policy(listed)


def test_the_hash_is_stable_across_formatting_and_changes_with_any_field(tmp_path: Path) -> None:
    policy = load_policy()
    reformatted = tmp_path / "same.yaml"
    reformatted.write_text(yaml.safe_dump(_defaults(), sort_keys=True), encoding="utf-8")  # no comments
    assert load_policy(reformatted).hash() == policy.hash() == load_policy().hash()

    changed = [
        policy.model_copy(update={"alpha": 0.04}),
        policy.model_copy(update={"seed": policy.seed + 1}),
        policy.model_copy(update={"bootstrap_resamples": 999}),
        policy.model_copy(update={"sequential": policy.sequential.model_copy(update={"max_looks": 4})}),
    ]
    for name, rule in policy.metrics.items():
        for update in ({"blocking": not rule.blocking}, {"floor": 0.5}, {"hard_offense_kinds": ["x"]}):
            metrics = {**policy.metrics, name: rule.model_copy(update=update)}
            changed.append(policy.model_copy(update={"metrics": metrics}))
    changed.append(
        policy.model_copy(update={"metrics": {**policy.metrics, "new_metric": MetricRule(margin=0.1)}})
    )
    hashes = {p.hash() for p in changed}
    assert policy.hash() not in hashes
    assert len(hashes) == len(changed)  # every change gives its own hash


def test_an_empty_policy_is_valid_and_gates_nothing() -> None:
    policy = GatePolicy()
    assert policy.metrics == {} and policy.rule_for("fabrication") is None
