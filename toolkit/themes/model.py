"""Classifying: the theme model and tagging paragraphs with it.

A :class:`ThemeModel` is plain data: TF-IDF vocabularies and IDF weights
for word and character n-grams of the paragraph, of its context (title,
section heading, neighbouring paragraphs) and of its whole document, kept
as sorted code tables (:class:`~toolkit.themes.features.FeatureTables`); the
:class:`ThemeWeights` of two linear models over those features (a logistic
regression per theme, and a softmax over each paragraph's primary theme,
whose probabilities are averaged); a :class:`ScoreSmoothing` that blends
each paragraph's probabilities with its neighbours' and its document's; and
a threshold per theme tuned by grouped cross-validation.  A paragraph gets
every theme whose probability clears its threshold, best first, or
``["other"]``.  Boilerplate lines (captions, bylines, footers) are ``other``
without asking the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Sequence

import numpy as np

from toolkit.modelfiles import (
    MODEL_JSON,
    ModelError,
    check_theme_model,
    default_theme_model_path,
    find_pickles,
    read_manifest,
    read_model_folder,
    write_model_folder,
)
from toolkit.text.document import (
    BOILERPLATE,
    Document,
    TextPipeline,
    default_pipeline,
)
from toolkit.themes.features import (  # noqa: F401  (FeatureSpace, paragraph_inputs, context_text, document_contexts: used from here by training)
    Entries,
    FeatureSpace,
    FeatureTables,
    WordIds,
    context_sources,
    context_text,
    document_contexts,
    paragraph_inputs,
)

OTHER = "other"
# 2 added the primary-theme softmax, 3 score smoothing, 4 the feature vocabularies as sorted code
# tables in arrays.npz instead of term lists in model.json; older files still load.
FORMAT_VERSION = 4
SMOOTHED_MIN_CHARS = 10  # the labelled paragraphs the score smoothing was tuned on are all at least this long


@dataclass(frozen=True)
class TaggedParagraph:
    line: int  # 1-based line of the paragraph in the file
    paragraph: int  # paragraph number, from 0
    text: str
    labels: tuple[str, ...]  # best first, or ("other",)
    scores: dict[str, float]
    explanation: dict[str, list[str]] | None = None

    def to_json(self) -> dict:
        record = {
            "line": self.line,
            "paragraph": self.paragraph,
            "text": self.text,
            "labels": list(self.labels),
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
        }
        if self.explanation is not None:
            record["explain"] = self.explanation
        return record


@dataclass(frozen=True)
class KeySentence:
    theme: str
    text: str
    simplified: str
    index: int
    paragraph: int
    score: float

    def to_json(self, *, simplified: bool = False) -> dict:
        return {
            "theme": self.theme,
            "text": self.simplified if simplified else self.text,
            "index": self.index,
            "paragraph": self.paragraph,
            "score": round(self.score, 4),
        }


class ThemeWeights:
    """The linear part of a theme model, from features to a probability per theme.

    ``coef``/``intercept``: one logistic regression per theme (labels x features).
    ``primary_coef``/``primary_intercept``: a softmax over each paragraph's
    primary theme, with a last row for ``other`` ((labels + 1) x features).
    The two models err differently (the softmax makes themes compete, the
    per-theme models catch secondary themes); the average of their
    probabilities beats either in grouped cross-validation.
    """

    def __init__(self, coef, intercept, primary_coef=None, primary_intercept=None) -> None:
        # Both models in one features x outputs array in C order: one product gives every logit,
        # a feature's outputs sit together for the row gathers of tagging, and scipy would copy a
        # transposed (labels x features) view on every sparse @ dense product.
        parts = [np.asarray(coef, dtype=np.float32)]
        intercepts = [np.asarray(intercept, dtype=np.float32)]
        if primary_coef is not None:
            parts.append(np.asarray(primary_coef, dtype=np.float32))
            intercepts.append(np.asarray(primary_intercept, dtype=np.float32))
        self.n_labels = parts[0].shape[0]
        # One transposing copy into place (vstack then a C-order copy of its transpose took ten times as long).
        self.stacked = np.empty((parts[0].shape[1], sum(part.shape[0] for part in parts)), dtype=np.float32)
        first = 0
        for part in parts:
            self.stacked[:, first : first + part.shape[0]] = part.T
            first += part.shape[0]
        self.stacked_intercept = np.concatenate(intercepts)
        self.has_primary = primary_coef is not None

    @property
    def coef(self) -> np.ndarray:
        """labels x features (a view)."""
        return self.stacked[:, : self.n_labels].T

    @property
    def intercept(self) -> np.ndarray:
        return self.stacked_intercept[: self.n_labels]

    @property
    def primary_coef(self) -> np.ndarray | None:
        """(labels + 1) x features (a view), or None for a model without the softmax."""
        return self.stacked[:, self.n_labels :].T if self.has_primary else None

    @property
    def primary_intercept(self) -> np.ndarray | None:
        return self.stacked_intercept[self.n_labels :] if self.has_primary else None

    def probabilities(self, matrix) -> np.ndarray:
        """From a features matrix (sparse or dense, one row per paragraph)."""
        return self.from_logits(np.asarray(matrix @ self.stacked, dtype=np.float64))

    def from_logits(self, logits: np.ndarray) -> np.ndarray:
        """From ``features @ stacked`` (without the intercepts)."""
        logits = np.asarray(logits, dtype=np.float64) + self.stacked_intercept
        one_vs_rest = 1.0 / (1.0 + np.exp(-logits[:, : self.n_labels]))
        if not self.has_primary:
            return one_vs_rest
        primary = logits[:, self.n_labels :]
        primary = np.exp(primary - primary.max(axis=1, keepdims=True))
        primary /= primary.sum(axis=1, keepdims=True)
        return (one_vs_rest + primary[:, :-1]) / 2

    def term_weights(self, label: int) -> np.ndarray:
        """How much each feature pushes a paragraph towards theme ``label`` (both models' logits)."""
        if not self.has_primary:
            return self.stacked[:, label]
        return self.stacked[:, label] + self.stacked[:, self.n_labels + label]

    def arrays(self) -> dict[str, np.ndarray]:
        """What the model file stores, labels x features as before (copies made only while saving)."""
        arrays = {"coef": np.ascontiguousarray(self.coef), "intercept": self.intercept}
        if self.has_primary:
            arrays |= {"primary_coef": np.ascontiguousarray(self.primary_coef), "primary_intercept": self.primary_intercept}
        return arrays

    @classmethod
    def from_arrays(cls, arrays: dict) -> "ThemeWeights":
        """Raises KeyError when an array is missing (the softmax's two come together or not at all)."""
        if ("primary_coef" in arrays) != ("primary_intercept" in arrays):
            raise KeyError("primary_intercept" if "primary_coef" in arrays else "primary_coef")
        return cls(arrays["coef"], arrays["intercept"], arrays.get("primary_coef"), arrays.get("primary_intercept"))


@dataclass(frozen=True)
class ScoreSmoothing:
    """Blends each paragraph's theme probabilities with its neighbours' and its document's mean.

    Themes run in stretches of a report, so a paragraph's neighbours (whose
    probabilities already read their own context) are evidence about it.
    The weights are relative to the paragraph's own probabilities (weight 1);
    both 0 leave them unchanged.
    """

    neighbours: float = 0.0
    document: float = 0.0

    def apply(self, probabilities: np.ndarray, documents: Sequence, texts: Sequence[str]) -> np.ndarray:
        """Rows in reading order with each document's rows together; ``documents`` names each row's
        document, ``texts`` gives its analysis text.

        Rows under SMOOTHED_MIN_CHARS characters (datelines, "(完)": never labelled, so the weights
        know nothing of them) keep their probabilities and are nobody's neighbour.
        """
        taking_part = np.array([len(text) >= SMOOTHED_MIN_CHARS for text in texts], dtype=bool)
        if not (self.neighbours or self.document) or not taking_part.any():
            return probabilities
        smoothed = probabilities.copy()
        smoothed[taking_part] = self._blend(probabilities[taking_part], np.asarray(documents)[taking_part])
        return smoothed

    def _blend(self, probabilities: np.ndarray, documents: np.ndarray) -> np.ndarray:
        """A row at either end of its document stands in for its missing neighbour."""
        rows = np.arange(len(documents))
        previous = np.where(np.r_[False, documents[1:] == documents[:-1]], rows - 1, rows)
        following = np.where(np.r_[documents[:-1] == documents[1:], False], rows + 1, rows)
        _, document_of, sizes = np.unique(documents, return_inverse=True, return_counts=True)
        sums = np.zeros((len(sizes), probabilities.shape[1]))
        np.add.at(sums, document_of, probabilities)
        blended = (
            probabilities
            + self.neighbours * (probabilities[previous] + probabilities[following]) / 2
            + self.document * (sums / sizes[:, None])[document_of]
        )
        return blended / (1 + self.neighbours + self.document)


class ThemeModel:
    def __init__(
        self,
        labels: Sequence[str],
        features: FeatureTables | FeatureSpace,
        weights: ThemeWeights,
        thresholds: np.ndarray,
        manifest: dict | None = None,
        pipeline: TextPipeline | None = None,
        smoothing: ScoreSmoothing = ScoreSmoothing(),
        *,
        single_label: bool = False,  # trained on one label per record: each text gets its best label
    ) -> None:
        self.single_label = single_label
        self.labels = list(labels)
        # Training hands over its fitted vectorisers; tagging reads their array form.
        self.features = features.tables() if isinstance(features, FeatureSpace) else features
        self.weights = weights
        self.smoothing = smoothing
        self.thresholds = np.asarray(thresholds, dtype=np.float32)
        self.manifest = manifest or {}
        # Words segmented as the features were (a model trained without jieba's HMM says so in its settings).
        self.pipeline = (pipeline or default_pipeline()).with_hmm(bool(self.features.settings.get("hmm", True)))
        self._names: list[str] | None = None  # feature names, built on the first explanation

    def warm_up(self) -> "ThemeModel":
        """Do now what tagging does lazily on first use (the segmenter's dictionary, OpenCC, scipy's
        sparse matrices, the character table), by tagging one short document: worker processes
        forked after this share it instead of each doing it again (0.3 to 0.4 s a worker)."""
        self.tag_documents([self.pipeline.document("疫情防控工作會議。")])
        return self

    # --- prediction -----------------------------------------------------------------

    def probabilities(
        self,
        analysis_texts: Sequence[str],
        contexts: Sequence[str] | None = None,
        document_words: str | None = None,
        *,
        documents: Sequence[str] | None = None,
    ) -> np.ndarray:
        """Probabilities of many texts (analysis form) at once, one row each, before score smoothing.

        ``contexts``: each text's context (title, heading, neighbours) as text, or None for none.
        The document block reads ``document_words`` (a document's words, space-joined, shared by
        all texts), or ``documents`` (each text's document as analysis text: texts with equal
        documents share one, segmented once), or, with neither, each text itself, as training
        treats labelled paragraphs that name no document.
        """
        if not analysis_texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        n = len(analysis_texts)
        words_of = self.pipeline.segmenter.words
        word_lists = [words_of(text) for text in analysis_texts]
        context_index: dict[str, int] = {}
        context_of_row = np.array([context_index.setdefault(c, len(context_index)) for c in contexts or [""] * n])
        context_lists = [words_of(c) if c else [] for c in context_index]
        if document_words is not None:
            document_lists, document_of_row = [document_words.split()], np.zeros(n, dtype=np.int64)
        elif documents is not None:
            document_index: dict[str, int] = {}
            document_of_row = np.array([document_index.setdefault(d, len(document_index)) for d in documents])
            document_lists = [words_of(d) for d in document_index]
        else:
            document_lists, document_of_row = word_lists, np.arange(n)
        words = self.features.word_ids(word_lists + context_lists + document_lists)
        first_context, first_document = n, n + len(context_lists)
        contexts_read = (np.arange(n), first_context + context_of_row)
        documents_read = (np.arange(len(document_lists)), first_document + np.arange(len(document_lists)))
        logits, _ = self._logits(analysis_texts, words, contexts_read, documents_read, document_of_row)
        return self.weights.from_logits(logits)

    def _logits(
        self,
        texts: Sequence[str],
        words: WordIds,
        contexts: tuple[np.ndarray, np.ndarray],
        documents: tuple[np.ndarray, np.ndarray],
        document_of_row: np.ndarray,
    ) -> tuple[np.ndarray, dict[str, Entries]]:
        """Every block's logits, summed, for ``texts`` (the first ``len(texts)`` word lists of ``words``).

        ``contexts``: (row, word list) pairs, each row's context being the words of those lists;
        ``documents``: (document, word list) pairs likewise; ``document_of_row`` each row's document.
        Also returns each paragraph block's entries, for explanations.
        """
        tables, stacked = self.features, self.weights.stacked
        n = len(texts)
        own = WordIds(words.ids[: words.starts[n]], words.starts[: n + 1])
        entries = {"word": tables.word_entries(own)}
        if "char" in tables.sizes:
            entries["char"] = tables.char_entries(texts)
        if "context" in tables.sizes:
            rows, positions = _gather(words, *contexts)
            entries["context"] = tables.unigram_entries("context", words, rows, positions, n)
        logits = np.zeros((n, stacked.shape[1]), dtype=np.float32)
        for block, block_entries in entries.items():
            logits += tables.block_logits(block, block_entries, stacked, n)
        if "document" in tables.sizes:
            # The document row times the weights once per document, added to each of its rows' logits.
            n_documents = int(documents[0].max()) + 1 if len(documents[0]) else 0
            rows, positions = _gather(words, *documents)
            document_entries = tables.unigram_entries("document", words, rows, positions, n_documents)
            logits += tables.block_logits("document", document_entries, stacked, n_documents)[document_of_row]
        return logits, entries

    def decide(self, probabilities: np.ndarray) -> list[tuple[str, ...]]:
        """Each row's themes over their thresholds, best first, or ("other",); for a single-label model, its best label."""
        if self.single_label:
            return [(self.labels[i],) for i in np.argmax(probabilities, axis=1)]
        order = np.argsort(-probabilities, axis=1, kind="stable")
        passing = np.take_along_axis(probabilities >= self.thresholds, order, axis=1)
        return [
            tuple(self.labels[j] for j, ok in zip(row_order, row_passing) if ok) or (OTHER,)
            for row_order, row_passing in zip(order.tolist(), passing.tolist())
        ]

    def _document_words(self, document: Document) -> str:
        """The whole document's words, space-joined (what the document block reads)."""
        return " ".join(word for paragraph in document.paragraphs for word in self.pipeline.segmenter.words(paragraph.analysis))

    def document_probabilities(self, document: Document) -> tuple[np.ndarray, dict[str, Entries]]:
        """Each paragraph's probabilities before smoothing, and its blocks' entries (for explanations)."""
        probabilities, entries, _ = self.documents_probabilities([document])
        return probabilities, entries

    def documents_probabilities(self, documents: Sequence[Document]) -> tuple[np.ndarray, dict[str, Entries], np.ndarray]:
        """All paragraphs of many documents in one pass, before smoothing: probabilities, entries, document of each row.

        Every paragraph is segmented once; the context and document blocks are made of the
        paragraphs' word ids; each document row meets the weights once.
        """
        paragraphs = [p for document in documents for p in document.paragraphs]
        if not paragraphs:
            return np.zeros((0, len(self.labels))), {}, np.zeros(0, dtype=np.int64)
        texts = [p.analysis for p in paragraphs]
        sizes = np.array([len(document.paragraphs) for document in documents], dtype=np.int64)
        document_of_row = np.repeat(np.arange(len(documents)), sizes)
        first_row = np.cumsum(sizes) - sizes
        context_rows, context_lists = [], []
        for document, first in zip(documents, first_row.tolist()):
            for i, sources in enumerate(context_sources(document.paragraphs, has_title=document.title is not None)):
                context_rows += [first + i] * len(sources)
                context_lists += [first + source for source in sources]
        words = self.features.word_ids([self.pipeline.segmenter.words(text) for text in texts])
        contexts = (np.array(context_rows, dtype=np.int64), np.array(context_lists, dtype=np.int64))
        whole = (document_of_row, np.arange(len(paragraphs)))  # a document's words are its paragraphs' words
        logits, entries = self._logits(texts, words, contexts, whole, document_of_row)
        return self.weights.from_logits(logits), entries, document_of_row

    def tag_document(self, document: Document, *, explain: int = 0, document_words: str | None = None) -> list[TaggedParagraph]:
        """``document_words`` is accepted for compatibility and not needed: the paragraphs' words make it."""
        return self.tag_documents([document], explain=explain)[0]

    def tag_documents(self, documents: Sequence[Document], *, explain: int = 0) -> list[list[TaggedParagraph]]:
        """Tag many documents in one pass (faster than one by one: the array work is done once for all)."""
        documents = list(documents)
        raw, entries, document_of_row = self.documents_probabilities(documents)
        if not len(raw):
            return [[] for _ in documents]
        paragraphs = [p for document in documents for p in document.paragraphs]
        probabilities = self.smoothing.apply(raw, document_of_row, [p.analysis for p in paragraphs])
        decisions = self.decide(probabilities)
        terms_of_row = _row_terms(entries, self.features.offsets, len(paragraphs)) if explain else None
        tagged: list[list[TaggedParagraph]] = [[] for _ in documents]
        for i, (paragraph, row) in enumerate(zip(paragraphs, probabilities.tolist())):
            labels = (OTHER,) if paragraph.kind == BOILERPLATE else decisions[i]
            scores = dict(zip(self.labels, row))
            explanation = None
            if terms_of_row is not None:
                explanation = {label: self.top_terms(*terms_of_row[i], label, explain) for label in labels if label != OTHER}
            tagged[document_of_row[i]].append(TaggedParagraph(paragraph.line, paragraph.index, paragraph.text, labels, scores, explanation))
        return tagged

    def top_terms(self, columns: np.ndarray, values: np.ndarray, label: str, k: int = 5) -> list[str]:
        """The terms of a paragraph (its feature columns and values) that pushed it most towards ``label``.

        Whole-document columns are skipped: they are not terms of the paragraph.
        """
        weights = self.weights.term_weights(self.labels.index(label))
        contributions = {int(column): float(value) * float(weights[column]) for column, value in zip(columns, values)}
        best = sorted((c for c in contributions if contributions[c] > 0), key=lambda c: -contributions[c])
        names = self._feature_names()
        terms: list[str] = []
        for column in best:
            if names[column].startswith("document:"):  # not a term of this paragraph
                continue
            term = names[column].removeprefix("context:")
            if term.startswith("char:"):
                term = term[5:].strip()
            if len(term) > 1 and term not in terms and not any(term in t for t in terms):
                terms.append(term)
            if len(terms) == k:
                break
        return terms

    def _feature_names(self) -> list[str]:
        if self._names is None:
            self._names = self.features.feature_names()
        return self._names

    def key_sentences(self, document: Document) -> list[KeySentence]:
        """For each theme the report is about, its most representative sentence.

        A theme is in the report when at least one paragraph is tagged with it;
        the sentence is the one of those paragraphs the model scores highest
        for that theme, read with its paragraph as context.
        """
        document_words = self._document_words(document)
        tagged = self.tag_document(document)
        picks = []
        for j, label in enumerate(self.labels):
            paragraphs = [t.paragraph for t in tagged if label in t.labels]
            if not paragraphs:
                continue
            sentences = [
                s for p in paragraphs for s in document.paragraphs[p].sentences if len(s.text) >= 6
            ] or [s for p in paragraphs for s in document.paragraphs[p].sentences]
            if not sentences:
                continue
            contexts = [document.paragraphs[s.paragraph].analysis for s in sentences]
            probabilities = self.probabilities([s.analysis for s in sentences], contexts, document_words)[:, j]
            best = int(np.argmax(probabilities))
            s = sentences[best]
            picks.append(KeySentence(label, s.text, s.analysis, s.index, s.paragraph, float(probabilities[best])))
        picks.sort(key=lambda pick: pick.index)
        return picks

    # --- files ------------------------------------------------------------------------

    def save(self, path: str | Path, *, force: bool = False) -> None:
        description, arrays = self.features.to_arrays()
        description = {
            "format": "cn-news-toolkit theme model",
            "format_version": FORMAT_VERSION,
            "labels": self.labels,
            "thresholds": [round(float(t), 4) for t in self.thresholds],
            "score_smoothing": {"neighbours": self.smoothing.neighbours, "document": self.smoothing.document},
            **({"single_label": True} if self.single_label else {}),
            **description,
        }
        arrays |= self.weights.arrays()
        # Uncompressed: the weights shrink by a tenth compressed, and decompressing them was most of loading.
        write_model_folder(Path(path), description, arrays, self.manifest, force=force, compressed=False)

    @classmethod
    def load(cls, path: str | Path | None = None, *, trust: bool = False) -> "ThemeModel":
        """A model folder of plain data, validated before use (:class:`ModelError` names the file).

        A folder with ``model.json`` is always loaded as plain data, even with
        ``trust`` and whatever else lies in it: trust only lets a pickle in when
        there is no plain-data model to load.
        """
        path = Path(path) if path is not None else default_theme_model_path()
        if not path.exists():
            raise ModelError(f"{path}: no such model")
        if not (path.is_dir() and (path / MODEL_JSON).is_file()):
            pickles = find_pickles(path)
            if pickles:
                if not trust:
                    raise ModelError(
                        f"{pickles[0]}: pickle/joblib model files can run code when loaded; "
                        "refusing (pass --trust-model / trust=True only for files you trust)"
                    )
                return cls._load_pickle(pickles[0])
        description, arrays = read_model_folder(path)
        if description.get("format_version") not in (1, 2, 3, FORMAT_VERSION):
            raise ModelError(f"{path / MODEL_JSON}: unsupported model format {description.get('format_version')!r}")
        check_theme_model(path, description, arrays)
        manifest = read_manifest(path)
        try:
            features, weights = feature_tables_from_files(description, arrays), ThemeWeights.from_arrays(arrays)
            labels, thresholds = description["labels"], np.array(description["thresholds"])
        except KeyError as error:
            raise ModelError(f"{path}: damaged model files (no {error.args[0]!r})") from None
        except (TypeError, ValueError) as error:  # settings of the wrong type or shape
            raise ModelError(f"{path / MODEL_JSON}: damaged model files ({' '.join(str(error).split())})") from None
        blend = description.get("score_smoothing", {})  # none before format 3
        smoothing = ScoreSmoothing(float(blend.get("neighbours", 0)), float(blend.get("document", 0)))
        return cls(labels, features, weights, thresholds, manifest, smoothing=smoothing, single_label=bool(description.get("single_label", False)))

    @staticmethod
    def _load_pickle(path: Path) -> "ThemeModel":
        import joblib

        model = joblib.load(path)
        if not isinstance(model, ThemeModel):
            raise ModelError(f"{path}: not a theme model")
        return model


def feature_tables_from_files(description: dict, arrays: dict) -> FeatureTables:
    """The feature tables of a model folder of any format; KeyError names what is missing.

    Format 4 stores the tables themselves (loading only reads arrays); formats 1 to 3 store
    term lists, turned into tables here.
    """
    if "block_sizes" in description:
        return FeatureTables.from_arrays(description, arrays)
    settings, vocabularies = description["settings"], description["vocabularies"]
    return FeatureTables.from_vocabularies(settings, vocabularies, {block: arrays[f"idf_{block}"] for block in vocabularies})


def _gather(words: WordIds, rows: np.ndarray, lists: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For (row, word list) pairs: the row of each word they bring, and the word's position in ``words``."""
    lengths = words.lengths[lists]
    total = int(lengths.sum())
    first = np.repeat(words.starts[lists] - (np.cumsum(lengths) - lengths), lengths)
    return np.repeat(rows, lengths), np.arange(total) + first


def _row_terms(entries: dict[str, Entries], offsets: dict[str, int], n_rows: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each row's (feature columns, values) over the paragraph's own blocks, for explanations."""
    rows = np.concatenate([e.rows for e in entries.values()])
    columns = np.concatenate([e.columns + offsets[block] for block, e in entries.items()])
    values = np.concatenate([e.values for e in entries.values()])
    order = np.argsort(rows, kind="stable")
    bounds = np.searchsorted(rows[order], np.arange(n_rows + 1))
    return [(columns[order[a:b]], values[order[a:b]]) for a, b in zip(bounds[:-1], bounds[1:])]


@cache
def default_theme_model() -> ThemeModel:
    """The shipped model, loaded once per process."""
    return ThemeModel.load()
