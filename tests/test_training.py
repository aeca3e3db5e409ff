import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import toolkit
from toolkit.cli import retrain_command, tag_command
from toolkit.themes.training import LabelledDataError, TrainingOptions, load_records

ROOT = Path(__file__).resolve().parents[1]
LABELS = sorted((ROOT / "data" / "labels").glob("*.jsonl"))
SHARED = ROOT.parent / "shared"


def _sample(tmp_path, documents=40):
    """Every labelled paragraph of the first N documents of the project's data."""
    rows, files = [], []
    for line in (ROOT / "data" / "labels" / "paragraphs.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        if row["file"] not in files:
            if len(files) == documents:
                continue
            files.append(row["file"])
        rows.append(row)
    path = tmp_path / "sample.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_refuses_malformed_data_with_the_line_number(tmp_path):
    cases = {
        '{"text": "防控", "labels": ["care"]}\n{"text": "broken"\n': ":2: not valid JSON",
        '{"text": "", "labels": ["care"]}\n': ":1: empty or missing 'text'",
        '{"text": "防控", "labels": []}\n': ":1: 'labels' must be",
        '{"text": "防控", "labels": ["other", "care"]}\n': ":1: 'other' cannot be combined",
        '["text", "labels"]\n': ":1: expected a JSON object",
    }
    for content, message in cases.items():
        path = tmp_path / "bad.jsonl"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(LabelledDataError, match=message):
            load_records(path)


def test_csv_with_semicolon_labels(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("text,labels,file\n各社区开展消杀,sanitation;care,a\n今日天气晴,other,b\n", encoding="utf-8")
    records = load_records(path)
    assert records[0]["labels"] == ["sanitation", "care"] and records[0]["group"] == "a"
    (tmp_path / "nolabels.csv").write_text("text,theme\nx,y\n", encoding="utf-8")
    with pytest.raises(LabelledDataError, match="'text' and 'labels' columns"):
        load_records(tmp_path / "nolabels.csv")


def test_retrain_writes_a_model_that_tags_and_refuses_overwrite(tmp_path, seed_paths):
    sample = _sample(tmp_path)
    out = tmp_path / "mine"
    result = CliRunner().invoke(retrain_command, [str(sample), "--out", str(out), "--folds", "3"])
    assert result.exit_code == 0, result.output
    assert "micro" in result.output and "macro" in result.output and "grouped by document" in result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest) >= {"labels", "thresholds", "metrics", "training_data", "versions", "date"}
    assert len(manifest["training_data"]["sha256"]) == 64
    assert toolkit.load_model(out).smoothing == TrainingOptions().smoothing()
    tagged = CliRunner().invoke(tag_command, ["--model", str(out), str(seed_paths["002"])])
    assert tagged.exit_code == 0
    again = CliRunner().invoke(retrain_command, [str(sample), "--out", str(out)])
    assert again.exit_code == 3 and "already exists" in again.output


def test_worker_count_does_not_change_the_model(tmp_path):
    """Folds and the final fit run in worker processes; the result must not depend on how many."""
    records = load_records(_sample(tmp_path, documents=30))
    options = TrainingOptions(folds=3)
    one, report_one = toolkit.train(records, options=options, jobs=1)
    two, report_two = toolkit.train(records, options=options, jobs=2)
    assert report_one.micro == report_two.micro and report_one.thresholds == report_two.thresholds
    for name, array in one.weights.arrays().items():
        assert (array == two.weights.arrays()[name]).all(), name


def test_retrain_bad_data_writes_nothing(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "防控", "labels": ["care"]}\nnot json\n', encoding="utf-8")
    result = CliRunner().invoke(retrain_command, [str(bad), "--out", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert f"{bad}:2: not valid JSON" in result.output
    assert not (tmp_path / "m").exists()


def test_train_on_another_label_set():
    """The label set comes from the data: news headlines in three THUCNews classes."""
    path = SHARED / "bench" / "cls" / "thucnews_title.jsonl"
    if not path.exists():
        pytest.skip("shared/bench/cls not beside the repo")
    wanted = {"sports": 0, "finance": 0, "education": 0}
    records = []
    for line in path.open(encoding="utf-8"):
        row = json.loads(line)
        if row["label"] in wanted and wanted[row["label"]] < 150 and row["split"] == "dev":
            wanted[row["label"]] += 1
            records.append({"text": row["text"], "labels": [row["label"]]})
    model, report = toolkit.train(records, options=TrainingOptions(folds=3, context_weight=0))
    assert report.labels == ["education", "finance", "sports"]
    assert report.macro["f1"] > 0.7
    assert [t.labels for t in toolkit.tag("皇马主场三比一战胜巴萨，梅西破门。", model=model)] == [("sports",)]


def test_copies_of_a_report_stay_on_one_side_of_every_split():
    """Republished copies of one report (here three copies of the tax office's "non-contact" Q&A) form one
    cross-validation group; reports of different meetings sharing only the short attendance line stay apart."""
    from toolkit.text.document import default_pipeline
    from toolkit.themes.training import _folds, prepare

    copies = {"corpus/ncp_policies/00336.txt", "corpus/ncp_policies/00495.txt", "corpus/ncp_policies/00517.txt"}
    records = [r for r in load_records(ROOT / "data" / "labels" / "extra7_ncp_policies.jsonl") if r["group"] in copies]
    news = load_records(ROOT / "data" / "labels" / "extra3_xwlb.jsonl")
    attendance = "领导小组成员丁薛祥、黄坤明、蔡奇、王毅、肖捷、赵克志参加。"
    meetings = sorted({r["group"] for r in news if r["text"] == attendance})[:6]
    assert len(meetings) == 6
    records += [r for r in news if r["group"] in meetings]

    prepared = prepare(records, default_pipeline())
    split_group = dict(zip(prepared.groups, prepared.split_groups))
    assert len({split_group[g] for g in copies}) == 1
    assert len({split_group[g] for g in meetings}) == len(meetings)
    for _, test in _folds(prepared, TrainingOptions()):
        in_test = set(prepared.groups[test])
        assert copies <= in_test or not copies & in_test


def test_primary_softmax_with_two_classes_is_the_binary_logistic_regression():
    """With two primary classes scikit-learn fits one row; stored as a softmax it must give the same probabilities."""
    from sklearn.linear_model import LogisticRegression

    from toolkit.text.document import default_pipeline
    from toolkit.themes.model import FeatureSpace, ThemeWeights
    from toolkit.themes.training import _fit_primary, prepare

    records = [r for r in load_records(ROOT / "data" / "labels" / "paragraphs.jsonl") if r["labels"][0] in ("reopening", "supplies")][:300]
    prepared = prepare(records, default_pipeline())
    assert set(prepared.primary) == {prepared.labels.index("reopening"), prepared.labels.index("supplies")}
    options = TrainingOptions()
    features = FeatureSpace.fit(options.feature_settings(), prepared.inputs)
    matrix = features.transform(prepared.inputs)
    coef, intercept = _fit_primary(matrix, prepared.primary, len(prepared.labels) + 1, options)
    weights = ThemeWeights(np.zeros((len(prepared.labels), matrix.shape[1])), np.full(len(prepared.labels), -30.0), coef, intercept)
    supplies = prepared.labels.index("supplies")
    expected = LogisticRegression(C=options.primary_C, tol=1e-3, max_iter=300).fit(matrix, prepared.primary).predict_proba(matrix)[:, 1]
    assert np.allclose(2 * weights.probabilities(matrix)[:, supplies], expected, atol=1e-4)


def test_naive_bayes_scaling_is_folded_into_the_stored_coefficients():
    """The stored per-theme coefficients score raw features exactly as the regression on NB-scaled features did,
    and the ratio favours a theme's own vocabulary (物资 for supplies, 隔离 for quarantine)."""
    from scipy.sparse import diags
    from sklearn.linear_model import LogisticRegression

    from toolkit.text.document import default_pipeline
    from toolkit.themes.model import FeatureSpace
    from toolkit.themes.training import _fit_linear, _naive_bayes_ratio, prepare

    records = load_records(ROOT / "data" / "labels" / "paragraphs.jsonl")[:600]
    prepared = prepare(records, default_pipeline())
    options = TrainingOptions()
    features = FeatureSpace.fit(options.feature_settings(), prepared.inputs)
    matrix = features.transform(prepared.inputs)
    coef, intercept = _fit_linear(matrix, prepared.targets, options)

    present = (matrix > 0).astype(np.float32)
    column = {name: i for i, name in enumerate(features.feature_names())}
    supplies, quarantine = prepared.labels.index("supplies"), prepared.labels.index("quarantine")
    for theme, own, foreign in ((supplies, "物资", "隔离"), (quarantine, "隔离", "物资")):
        ratio = _naive_bayes_ratio(present, prepared.targets[:, theme].astype(bool))
        assert ratio[column[own]] > 1 > 0 > ratio[column[foreign]]
        scaled = matrix @ diags(ratio)
        regression = LogisticRegression(C=options.C, solver="liblinear", class_weight=options.class_weight, random_state=options.seed)
        expected = regression.fit(scaled, prepared.targets[:, theme]).decision_function(scaled)
        assert np.allclose(matrix @ coef[theme] + intercept[theme], expected, atol=1e-3)
