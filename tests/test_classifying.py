import codecs

import opencc
import pytest

import toolkit
from toolkit.text.cleaning import remove_artifacts

THEMES = {"organisation", "screening", "quarantine", "restrictions", "supplies", "sanitation", "publicity", "mobilisation", "reopening", "care"}


@pytest.fixture(scope="module")
def model():
    return toolkit.load_model()


def _by_line(tagged):
    return {t.line: t for t in tagged}


def test_shipped_model_has_the_ten_themes(model):
    assert set(model.labels) == THEMES
    assert model.manifest["training_data"]["records"] > 4000


def test_seed_paragraphs_get_their_themes(seed_texts, model):
    seed000 = _by_line(toolkit.tag(seed_texts["000"], model=model))
    assert seed000[2].labels == ("other",)  # photo caption
    assert "supplies" in seed000[11].labels  # 保障民生做實做細: a heading takes its section's theme
    assert seed000[16].labels[0] == "reopening"  # online teaching
    seed004 = _by_line(toolkit.tag(seed_texts["004"], model=model))
    assert seed004[2].labels[0] == "organisation"  # 指挥部, 领导小组, 双组长
    assert "screening" in seed004[3].labels  # 摸排
    assert seed004[7].labels == seed004[8].labels == ("other",)  # copyright footer
    seed001 = _by_line(toolkit.tag(seed_texts["001"], model=model))
    assert "publicity" in seed001[8].labels  # screens, posters, slogans
    for tagged in toolkit.tag(seed_texts["002"], model=model):
        assert set(tagged.labels) <= THEMES | {"other"}
        assert "other" not in tagged.labels or tagged.labels == ("other",)
        assert list(tagged.labels) == sorted(tagged.labels, key=lambda l: -tagged.scores.get(l, 1.0))


def test_line_numbers_point_at_the_paragraph(seed_texts, model):
    lines = seed_texts["003"].split("\n")
    for tagged in toolkit.tag(seed_texts["003"], model=model):
        assert remove_artifacts(lines[tagged.line - 1]).strip().startswith(tagged.text[:10])


def test_same_paragraph_in_any_script_or_encoding_gets_the_same_labels(seed_texts, model):
    raw = seed_texts["000"].split("\n")[13]  # traditional with gateway pinyin
    assert "(" in raw
    traditional = remove_artifacts(raw)
    simplified = opencc.OpenCC("t2s").convert(traditional)
    taiwan = opencc.OpenCC("s2tw").convert(simplified)
    variants = [
        raw,
        traditional,
        simplified,
        taiwan,
        simplified.encode("gb18030"),
        taiwan.encode("big5", errors="ignore"),
        codecs.BOM_UTF8 + raw.encode("utf-8"),
    ]
    results = [toolkit.tag(v, model=model) for v in variants]
    expected = results[0][0].labels
    assert expected != ("other",)
    for variant, tagged in zip(variants, results):
        assert len(tagged) == 1
        assert tagged[0].labels == expected, variant[:30]


def test_explanations_are_terms_of_the_paragraph(seed_texts, model):
    document = toolkit.api.read_document(seed_texts["004"])
    tagged = model.tag_document(document, explain=5)
    paragraph = tagged[2]
    assert "screening" in paragraph.explanation
    terms = paragraph.explanation["screening"]
    assert 1 <= len(terms) <= 5
    assert "摸排" in terms
    for term in terms:
        assert all(part in document.paragraphs[2].analysis or part in document.paragraphs[1].analysis + document.paragraphs[3].analysis for part in term.split())


def test_key_sentence_per_theme(seed_texts, model):
    picks = toolkit.summarise_by_theme(seed_texts["000"], model=model)
    tagged = _by_line(toolkit.tag(seed_texts["000"], model=model))
    document = toolkit.api.read_document(seed_texts["000"])
    assert {p.theme for p in picks} >= {"organisation", "supplies", "mobilisation"}
    for pick in picks:
        sentence = document.sentences[pick.index]
        assert sentence.text == pick.text
        assert pick.theme in tagged[sentence.line].labels


def test_a_model_of_format_one_still_loads_and_tags(seed_texts, model, tmp_path):
    """Models retrained before the primary-theme softmax (format 1: per-theme models only) keep working."""
    import json

    from toolkit.themes.model import ScoreSmoothing, ThemeModel, ThemeWeights

    assert model.weights.primary_coef is not None
    weights = model.weights
    old = ThemeModel(model.labels, model.features, ThemeWeights(weights.coef, weights.intercept), model.thresholds, model.manifest)
    old.save(tmp_path / "old")
    description = json.loads((tmp_path / "old" / "model.json").read_text(encoding="utf-8"))
    del description["score_smoothing"]  # format 3
    (tmp_path / "old" / "model.json").write_text(json.dumps(description | {"format_version": 1}), encoding="utf-8")

    loaded = toolkit.load_model(tmp_path / "old")
    assert loaded.weights.primary_coef is None
    assert loaded.smoothing == ScoreSmoothing()
    old_tags = _by_line(toolkit.tag(seed_texts["004"], model=loaded))
    new_tags = _by_line(toolkit.tag(seed_texts["004"], model=model))
    assert old_tags[2].labels[0] == "organisation"  # 指挥部, 领导小组, 双组长
    assert old_tags[2].scores != new_tags[2].scores  # the per-theme models alone, not the average


def _raw_probabilities(model, document):
    """The linear models' probabilities of every paragraph, before smoothing."""
    from toolkit.themes.model import document_contexts

    title = document.title.analysis if document.title else ""
    contexts = document_contexts(document.paragraphs, title=title)
    return model.probabilities([p.analysis for p in document.paragraphs], contexts, model._document_words(document))


def test_scores_are_blended_with_the_neighbours_and_the_document(seed_texts, model):
    """A tagged paragraph's scores are its own probabilities blended with those of the paragraphs beside it
    (one-line datelines and the like left out) and with its document's mean."""
    import numpy as np

    from toolkit.themes.model import SMOOTHED_MIN_CHARS

    smoothing = model.smoothing
    assert smoothing.neighbours > 0 and smoothing.document > 0
    document = toolkit.api.read_document(seed_texts["000"])
    raw = _raw_probabilities(model, document)
    tagged = model.tag_document(document)
    long_rows = [i for i, p in enumerate(document.paragraphs) if len(p.analysis) >= SMOOTHED_MIN_CHARS]
    assert len(long_rows) < len(document.paragraphs)  # seed 000 has short lines
    mean = raw[long_rows].mean(axis=0)
    for position in (0, 3, len(long_rows) - 1):
        row = long_rows[position]
        before = long_rows[max(position - 1, 0)]
        after = long_rows[min(position + 1, len(long_rows) - 1)]
        expected = (raw[row] + smoothing.neighbours * (raw[before] + raw[after]) / 2 + smoothing.document * mean) / (
            1 + smoothing.neighbours + smoothing.document
        )
        got = np.array([tagged[row].scores[label] for label in model.labels])
        assert got == pytest.approx(expected, abs=1e-5)
    for row in set(range(len(document.paragraphs))) - set(long_rows):
        assert [tagged[row].scores[label] for label in model.labels] == pytest.approx(raw[row].tolist(), abs=1e-6)


def test_smoothing_never_reads_across_documents(seed_texts, model):
    """Training smooths all out-of-fold probabilities at once: each document must come out as if alone."""
    import numpy as np

    from toolkit.themes.model import ScoreSmoothing

    smoothing = ScoreSmoothing(neighbours=0.3, document=0.3)
    documents = [toolkit.api.read_document(seed_texts[name]) for name in ("001", "003")]
    parts = [_raw_probabilities(model, document) for document in documents]
    texts = [[p.analysis for p in document.paragraphs] for document in documents]
    together = smoothing.apply(np.vstack(parts), np.array([0] * len(parts[0]) + [1] * len(parts[1])), texts[0] + texts[1])
    alone = np.vstack([smoothing.apply(part, np.zeros(len(part)), text) for part, text in zip(parts, texts)])
    assert together == pytest.approx(alone)
    assert not np.allclose(alone, np.vstack(parts))
