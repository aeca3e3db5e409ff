"""The array features tagging reads give what scikit-learn's vectorisers give, on real text."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

import toolkit
import toolkit.api
from toolkit.text.document import default_pipeline
from toolkit.themes.features import FeatureSpace, char_ngram_codes, decode_char_code, document_contexts, paragraph_inputs
from toolkit.themes.model import ThemeModel, ThemeWeights


@pytest.fixture(scope="module")
def model():
    return toolkit.load_model()


@pytest.fixture(scope="module")
def seed_documents(seed_texts):
    return {name: toolkit.api.read_document(text, source=name) for name, text in seed_texts.items()}


def _sklearn_inputs(document, pipeline):
    """What the training-side vectorisers read for each paragraph of a document."""
    texts = [p.analysis for p in document.paragraphs]
    title = document.title.analysis if document.title else ""
    document_words = pipeline.segmenter.joined(document.text(analysis=True))
    return paragraph_inputs(pipeline, texts, document_contexts(document.paragraphs, title=title), [document_words] * len(texts))


def test_character_ngram_codes_are_sklearns_char_analyser(seed_documents):
    """Lowercasing, whitespace runs collapsed, 1-3-grams that never span two texts: as analyzer="char"."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyse = TfidfVectorizer(analyzer="char", ngram_range=(1, 3)).build_analyzer()
    texts = [p.analysis for p in seed_documents["000"].paragraphs] + ["COVID-19  疫情\t\t防控 Ａ", ""]
    rows, codes = char_ngram_codes(texts, (1, 3))
    for row, text in enumerate(texts):
        assert Counter(decode_char_code(int(c)) for c in codes[rows == row]) == Counter(analyse(text))


def test_shipped_model_scores_as_the_scikit_learn_vectorisers_do(model, seed_documents):
    """Every seed paragraph's probabilities from the arrays equal the vectorisers' sparse matrix times the weights."""
    reference = FeatureSpace.from_tables(model.features)
    for name, document in seed_documents.items():
        expected = model.weights.probabilities(reference.transform(_sklearn_inputs(document, model.pipeline)))
        got, _ = model.document_probabilities(document)
        assert got == pytest.approx(expected, abs=1e-5), name
        assert got.std(axis=0).max() > 0.01  # the paragraphs of a report do differ


def test_a_model_fitted_here_reads_the_same_through_the_arrays(seed_documents):
    """Fit vectorisers on seed paragraphs (small vocabularies, bigrams and the document max_df cut-off
    included), give them random weights: arrays and scikit-learn agree, for documents and for a batch."""
    pipeline = default_pipeline()
    settings = {"word_ngrams": [1, 2], "char_ngrams": [1, 3], "min_df": 2, "context_weight": 0.5, "document_weight": 0.5}
    inputs = {block: [] for block in ("word", "char", "context", "document")}
    for document in seed_documents.values():
        for block, values in _sklearn_inputs(document, pipeline).items():
            inputs[block].extend(values)
    space = FeatureSpace.fit(settings, inputs)
    assert any(" " in term for term in space.vectorisers["word"].vocabulary_)  # bigrams
    n_features = sum(len(v.vocabulary_) for v in space.vectorisers.values())
    rng = np.random.default_rng(0)
    weights = ThemeWeights(rng.normal(size=(3, n_features)), rng.normal(size=3), rng.normal(size=(4, n_features)), rng.normal(size=4))
    fitted = ThemeModel(["a", "b", "c"], space, weights, np.full(3, 0.5))
    expected = weights.probabilities(space.transform(inputs))
    got = np.vstack([fitted.document_probabilities(document)[0] for document in seed_documents.values()])
    assert got == pytest.approx(expected, abs=1e-5)

    # The batched path: every paragraph of every seed in one call, each naming its document.
    texts, contexts, documents = [], [], []
    for document in seed_documents.values():
        title = document.title.analysis if document.title else ""
        texts += [p.analysis for p in document.paragraphs]
        contexts += document_contexts(document.paragraphs, title=title)
        documents += [document.text(analysis=True)] * len(document.paragraphs)
    assert fitted.probabilities(texts, contexts, documents=documents) == pytest.approx(expected, abs=1e-5)


def test_records_without_a_document_are_their_own_document(model, seed_documents):
    """As training treats labelled paragraphs that name no document: the document block reads the text itself."""
    texts = [p.analysis for p in seed_documents["004"].paragraphs if len(p.analysis) >= 10]
    batch = model.probabilities(texts)
    one_by_one = np.vstack([model.probabilities([text], [""], model.pipeline.segmenter.joined(text)) for text in texts])
    assert batch == pytest.approx(one_by_one, abs=1e-6)
    assert len(texts) > 3 and batch.shape == (len(texts), len(model.labels))


def test_a_format_three_model_with_term_lists_still_loads(model, seed_documents, tmp_path):
    """Older model folders keep their vocabularies as term lists in model.json: same scores from them."""
    model.save(tmp_path / "new")
    description = json.loads((tmp_path / "new" / "model.json").read_text(encoding="utf-8"))
    names = model.features.feature_names()
    vocabularies, start = {}, 0
    for block, size in description.pop("block_sizes").items():
        prefix = {"word": "", "char": "char:", "context": "context:", "document": "document:"}[block]
        vocabularies[block] = [name[len(prefix) :] for name in names[start : start + size]]
        start += size
    (tmp_path / "new" / "model.json").write_text(
        json.dumps(description | {"format_version": 3, "vocabularies": vocabularies}, ensure_ascii=False), encoding="utf-8"
    )
    with np.load(tmp_path / "new" / "arrays.npz") as data:
        kept = {k: data[k] for k in data.files if k.startswith(("idf_", "coef", "intercept", "primary_"))}
    np.savez(tmp_path / "new" / "arrays.npz", **kept)
    old = ThemeModel.load(tmp_path / "new")
    document = seed_documents["001"]
    assert old.document_probabilities(document)[0] == pytest.approx(model.document_probabilities(document)[0], abs=1e-6)


def test_tagging_a_file_imports_no_scikit_learn_and_no_scipy_package(seed_paths):
    """Tagging reads the model's arrays: no scikit-learn (2 s of imports), and of scipy only the one
    compiled module with its sparse product (``import scipy.sparse`` alone costs 0.14 s)."""
    script = (
        "import sys, toolkit; "
        f"tagged = toolkit.tag(open({str(seed_paths['000'])!r}, 'rb').read()); "
        "assert tagged and any(t.labels != ('other',) for t in tagged); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['scipy.sparse._sparsetools']"


def test_the_batch_tagging_path_loads_no_summariser(seed_paths):
    """`tag`'s workers read files through the text pipeline: the summariser's modules (its report-part
    patterns, 0.02 s) are never imported for tagging."""
    script = (
        "import sys; from toolkit.batch.tagging import TagSettings, tag_file; "
        f"result = tag_file({str(seed_paths['000'])!r}, TagSettings()); "
        "assert result.error is None and result.paragraphs; "
        "print(sorted(m for m in sys.modules if m.startswith(('toolkit.summarising', 'toolkit.api'))))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_sparse_product_is_scipys_to_the_bit_and_falls_back_to_it(monkeypatch):
    """Rows shaped like a tagging batch's (float32 values, int64 columns, 41 outputs): the compiled kernel
    loaded on its own gives exactly ``csr_matrix @ dense``; without it (another scipy layout) the public
    route is taken.  (That the corpus's tags are byte-identical was checked when the kernel came in.)"""
    from scipy.sparse import csr_matrix

    from toolkit.themes import sparse_product

    rng = np.random.default_rng(0)
    n_rows, n_features, n_outputs = 300, 5000, 41
    rows = np.sort(rng.integers(0, n_rows, 20_000))
    columns = rng.integers(0, n_features, len(rows))
    values = rng.random(len(rows)).astype(np.float32)
    row_starts = np.searchsorted(rows, np.arange(n_rows + 1))
    dense = rng.standard_normal((n_features, n_outputs)).astype(np.float32)
    expected = np.asarray(csr_matrix((values, columns, row_starts), shape=(n_rows, n_features)) @ dense, dtype=np.float32)
    assert sparse_product._kernel() is not None
    assert np.array_equal(sparse_product.csr_times_dense(values, columns, row_starts, dense), expected)
    monkeypatch.setattr(sparse_product, "_kernel", lambda: None)
    assert np.array_equal(sparse_product.csr_times_dense(values, columns, row_starts, dense), expected)


def test_documents_tagged_together_come_out_as_tagged_alone(model, seed_documents):
    """tag_documents (what a batch of files goes through) neither mixes documents' contexts nor their smoothing."""
    documents = [seed_documents[name] for name in ("000", "001", "004")]
    together = model.tag_documents(documents, explain=3)
    for document, tagged in zip(documents, together):
        alone = model.tag_document(document, explain=3)
        assert [t.labels for t in tagged] == [t.labels for t in alone]
        assert [t.explanation for t in tagged] == [t.explanation for t in alone]
        for a, b in zip(tagged, alone):
            assert a.scores == pytest.approx(b.scores, abs=1e-6)
    assert model.tag_documents([]) == []


def test_a_paragraphs_scores_do_not_depend_on_what_it_is_tagged_with(model, seed_documents):
    """The same bytes whatever the batch (-j N, Dask partitions, one file): each document's scores tagged
    in one batch with the others are exactly its scores tagged alone."""
    documents = list(seed_documents.values())
    together, _, document_of_row = model.documents_probabilities(documents)
    for number, document in enumerate(documents):
        alone, _ = model.document_probabilities(document)
        assert np.array_equal(together[document_of_row == number], alone)


def test_word_ids_memo_gives_the_table_lookup(model, seed_documents):
    """Words met before come from the memo; the ids equal a fresh lookup in the sorted token table, unknown words -1."""
    tables = model.features
    word_lists = [model.pipeline.segmenter.words(p.analysis) for d in seed_documents.values() for p in d.paragraphs]
    word_lists.append(["没有这个词的词表", "covid"])
    first = tables.word_ids(word_lists).ids
    again = tables.word_ids(word_lists).ids  # all from the memo now
    expected = tables._table_ids([w for words in word_lists for w in words])
    assert (first == expected).all() and (again == expected).all()
    assert expected[-2] == -1 and (expected >= 0).mean() > 0.8
