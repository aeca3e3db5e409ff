"""Classifying: the theme model and tagging paragraphs with it.

A :class:`ThemeModel` is plain data: TF-IDF vocabularies and IDF weights
for word and character n-grams of the paragraph, of its context (title,
section heading, neighbouring paragraphs) and of its whole document; the
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
    ModelError,
    default_theme_model_path,
    find_pickles,
    read_model_folder,
    write_model_folder,
)
from toolkit.text.document import (
    BOILERPLATE,
    HEADING,
    Document,
    Paragraph,
    TextPipeline,
    default_pipeline,
)

OTHER = "other"
FORMAT_VERSION = 3  # 2 added the primary-theme softmax, 3 score smoothing; older files still load
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


class FeatureSpace:
    """Word and character n-gram TF-IDF of a text and of its context, as one sparse row.

    Built from the fitted scikit-learn vectorisers at training time, and
    rebuilt from plain vocabularies and IDF arrays at load time.
    """

    BLOCKS = ("word", "char", "context", "document")

    def __init__(self, settings: dict, vectorisers: dict) -> None:
        self.settings = settings
        self.vectorisers = vectorisers  # block name -> fitted TfidfVectorizer

    @staticmethod
    def make_vectoriser(block: str, settings: dict):
        from sklearn.feature_extraction.text import TfidfVectorizer

        if block == "char":
            low, high = settings["char_ngrams"]
            return TfidfVectorizer(analyzer="char", ngram_range=(low, high), min_df=settings["min_df"], sublinear_tf=True, dtype=np.float32)
        low, high = settings["word_ngrams"] if block == "word" else (1, 1)
        # Words common to most documents say nothing about which one this is.
        max_df = 0.5 if block == "document" else 1.0
        # Texts arrive segmented and space-joined, so no tokeniser callable is stored.
        return TfidfVectorizer(
            token_pattern=r"\S+",
            lowercase=False,
            ngram_range=(low, high),
            min_df=settings["min_df"],
            max_df=max_df,
            sublinear_tf=True,
            dtype=np.float32,
        )

    @classmethod
    def fit(cls, settings: dict, inputs: dict[str, Sequence[str]]) -> "FeatureSpace":
        vectorisers = {}
        for block in cls.active_blocks(settings):
            vectoriser = cls.make_vectoriser(block, settings)
            vectoriser.fit(inputs[block])
            vectorisers[block] = vectoriser
        return cls(settings, vectorisers)

    @staticmethod
    def active_blocks(settings: dict) -> list[str]:
        blocks = ["word"]
        if settings.get("char_ngrams"):
            blocks.append("char")
        if settings.get("context_weight", 0) > 0:
            blocks.append("context")
        if settings.get("document_weight", 0) > 0:
            blocks.append("document")
        return blocks

    def transform(self, inputs: dict[str, Sequence[str]]):
        from scipy.sparse import hstack

        parts = []
        for block, vectoriser in self.vectorisers.items():
            if block == "document":  # many paragraphs share one document: transform each once
                unique = {text: i for i, text in enumerate(dict.fromkeys(inputs[block]))}
                matrix = vectoriser.transform(list(unique))[[unique[text] for text in inputs[block]]]
            else:
                matrix = vectoriser.transform(inputs[block])
            weight = self.settings.get(f"{block}_weight", 1.0)  # context_weight, document_weight
            parts.append(matrix * weight if weight != 1.0 else matrix)
        return hstack(parts, format="csr")

    def feature_names(self) -> list[str]:
        names = []
        for block, vectoriser in self.vectorisers.items():
            prefix = {"word": "", "char": "char:", "context": "context:", "document": "document:"}[block]
            names.extend(prefix + term for term in vectoriser.get_feature_names_out())
        return names

    def to_data(self) -> tuple[dict, dict]:
        description, arrays = {"settings": self.settings, "vocabularies": {}}, {}
        for block, vectoriser in self.vectorisers.items():
            terms = [None] * len(vectoriser.vocabulary_)
            for term, column in vectoriser.vocabulary_.items():
                terms[column] = term
            description["vocabularies"][block] = terms
            arrays[f"idf_{block}"] = vectoriser.idf_.astype(np.float32)
        return description, arrays

    @classmethod
    def from_data(cls, description: dict, arrays: dict) -> "FeatureSpace":
        settings = description["settings"]
        vectorisers = {}
        for block, terms in description["vocabularies"].items():
            vectoriser = cls.make_vectoriser(block, settings)
            vectoriser.vocabulary_ = {term: column for column, term in enumerate(terms)}
            vectoriser.idf_ = arrays[f"idf_{block}"].astype(np.float64)
            vectorisers[block] = vectoriser
        return cls(settings, vectorisers)


def paragraph_inputs(
    pipeline: TextPipeline, analysis_texts: Sequence[str], contexts: Sequence[str], document_words: Sequence[str]
) -> dict[str, list[str]]:
    """What the feature blocks read: segmented words, raw analysis text, segmented context,
    and the document's words (already segmented: one string shared by all its paragraphs)."""
    return {
        "word": [pipeline.segmenter.joined(t) for t in analysis_texts],
        "char": list(analysis_texts),
        "context": [pipeline.segmenter.joined(c) for c in contexts],
        "document": list(document_words),
    }


def context_text(title: str, heading: str, before: str, after: str) -> str:
    """What a paragraph is read with: the document title, its section heading, its neighbours."""
    return " ".join(part for part in (title, heading if heading != before else "", before, after) if part)


def document_contexts(paragraphs: Sequence[Paragraph], *, title: str = "") -> list[str]:
    """Context of each paragraph of a document (see :func:`context_text`)."""
    contexts = []
    heading = ""
    for i, paragraph in enumerate(paragraphs):
        before = paragraphs[i - 1].analysis if i > 0 else ""
        after = paragraphs[i + 1].analysis if i + 1 < len(paragraphs) else ""
        contexts.append(context_text(title if i else "", heading, before, after))
        if i and paragraph.kind == HEADING:
            heading = paragraph.analysis
    return contexts


class ThemeWeights:
    """The linear part of a theme model, from a feature matrix to a probability per theme.

    ``coef``/``intercept``: one logistic regression per theme (labels x features).
    ``primary_coef``/``primary_intercept``: a softmax over each paragraph's
    primary theme, with a last row for ``other`` ((labels + 1) x features).
    The two models err differently (the softmax makes themes compete, the
    per-theme models catch secondary themes); the average of their
    probabilities beats either in grouped cross-validation.
    """

    def __init__(self, coef, intercept, primary_coef=None, primary_intercept=None) -> None:
        # Kept only as features x labels in C order: scipy copies a transposed view on every
        # sparse @ dense product, and a second, labels x features copy would double the model's memory.
        self._weights = np.ascontiguousarray(np.asarray(coef, dtype=np.float32).T)
        self.intercept = np.asarray(intercept, dtype=np.float32)
        self._primary_weights = None if primary_coef is None else np.ascontiguousarray(np.asarray(primary_coef, dtype=np.float32).T)
        self.primary_intercept = None if primary_intercept is None else np.asarray(primary_intercept, dtype=np.float32)

    @property
    def coef(self) -> np.ndarray:
        """labels x features (a view)."""
        return self._weights.T

    @property
    def primary_coef(self) -> np.ndarray | None:
        """(labels + 1) x features (a view), or None for a model without the softmax."""
        return None if self._primary_weights is None else self._primary_weights.T

    def probabilities(self, matrix) -> np.ndarray:
        one_vs_rest = 1.0 / (1.0 + np.exp(-np.asarray(matrix @ self._weights + self.intercept)))
        if self._primary_weights is None:
            return one_vs_rest
        logits = np.asarray(matrix @ self._primary_weights + self.primary_intercept)
        logits -= logits.max(axis=1, keepdims=True)
        primary = np.exp(logits)
        primary /= primary.sum(axis=1, keepdims=True)
        return (one_vs_rest + primary[:, :-1]) / 2

    def term_weights(self, label: int) -> np.ndarray:
        """How much each feature pushes a paragraph towards theme ``label`` (both models' logits)."""
        if self._primary_weights is None:
            return self._weights[:, label]
        return self._weights[:, label] + self._primary_weights[:, label]

    def arrays(self) -> dict[str, np.ndarray]:
        """What the model file stores, labels x features as before (copies made only while saving)."""
        arrays = {"coef": np.ascontiguousarray(self.coef), "intercept": self.intercept}
        if self._primary_weights is not None:
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
        features: FeatureSpace,
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
        self.features = features
        self.weights = weights
        self.smoothing = smoothing
        self.thresholds = np.asarray(thresholds, dtype=np.float32)
        self.manifest = manifest or {}
        self.pipeline = pipeline or default_pipeline()
        self._names: list[str] | None = None  # feature names, built on the first explanation

    # --- prediction -----------------------------------------------------------------

    def probabilities(self, analysis_texts: Sequence[str], contexts: Sequence[str], document_words: str) -> np.ndarray:
        if not analysis_texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return self.weights.probabilities(self._matrix(analysis_texts, contexts, document_words))

    def _matrix(self, analysis_texts: Sequence[str], contexts: Sequence[str], document_words: str):
        inputs = paragraph_inputs(self.pipeline, analysis_texts, contexts, [document_words] * len(analysis_texts))
        return self.features.transform(inputs)

    def decide(self, probabilities: np.ndarray) -> list[tuple[str, ...]]:
        if self.single_label:
            return [(self.labels[i],) for i in np.argmax(probabilities, axis=1)]
        decisions = []
        for row in probabilities:
            passing = [i for i in np.argsort(-row, kind="stable") if row[i] >= self.thresholds[i]]
            decisions.append(tuple(self.labels[i] for i in passing) or (OTHER,))
        return decisions

    def _document_words(self, document: Document) -> str:
        return self.pipeline.segmenter.joined(document.text(analysis=True))

    def tag_document(self, document: Document, *, explain: int = 0, document_words: str | None = None) -> list[TaggedParagraph]:
        """``document_words``: the document already segmented, when the caller has it."""
        paragraphs = document.paragraphs
        title = document.title.analysis if document.title else ""
        contexts = document_contexts(paragraphs, title=title)
        if document_words is None:
            document_words = self._document_words(document)
        if not paragraphs:
            return []
        analysis_texts = [p.analysis for p in paragraphs]
        matrix = self._matrix(analysis_texts, contexts, document_words)
        probabilities = self.smoothing.apply(self.weights.probabilities(matrix), np.zeros(len(paragraphs)), analysis_texts)
        decisions = self.decide(probabilities)
        tagged = []
        for i, paragraph in enumerate(paragraphs):
            labels = decisions[i]
            if paragraph.kind == BOILERPLATE:
                labels = (OTHER,)
            scores = {label: float(probabilities[i, j]) for j, label in enumerate(self.labels)}
            explanation = None
            if explain:
                explanation = {
                    label: self.top_terms(matrix[i], label, explain)
                    for label in labels
                    if label != OTHER
                }
            tagged.append(TaggedParagraph(paragraph.line, paragraph.index, paragraph.text, labels, scores, explanation))
        return tagged

    def top_terms(self, features_row, label: str, k: int = 5) -> list[str]:
        """The terms of a paragraph (its one-row feature matrix) that pushed it most towards ``label``.

        Whole-document columns are skipped: they are not terms of the paragraph.
        """
        row = features_row.tocsr()
        weights = self.weights.term_weights(self.labels.index(label))
        contributions = {column: value * weights[column] for column, value in zip(row.indices, row.data)}
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
        tagged = self.tag_document(document, document_words=document_words)
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
        description, arrays = self.features.to_data()
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
        write_model_folder(Path(path), description, arrays, self.manifest, force=force)

    @classmethod
    def load(cls, path: str | Path | None = None, *, trust: bool = False) -> "ThemeModel":
        path = Path(path) if path is not None else default_theme_model_path()
        if not path.exists():
            raise ModelError(f"{path}: no such model")
        pickles = find_pickles(path)
        if pickles:
            if not trust:
                raise ModelError(
                    f"{pickles[0]}: pickle/joblib model files can run code when loaded; "
                    "refusing (pass --trust-model / trust=True only for files you trust)"
                )
            return cls._load_pickle(pickles[0])
        description, arrays = read_model_folder(path)
        if description.get("format_version") not in (1, 2, FORMAT_VERSION):
            raise ModelError(f"{path}: unsupported model format {description.get('format_version')!r}")
        manifest = {}
        manifest_file = path / "manifest.json"
        if manifest_file.is_file():
            import json

            manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        try:
            features, weights = FeatureSpace.from_data(description, arrays), ThemeWeights.from_arrays(arrays)
            labels, thresholds = description["labels"], np.array(description["thresholds"])
        except KeyError as error:
            raise ModelError(f"{path}: damaged model files (no {error.args[0]!r})") from None
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


@cache
def default_theme_model() -> ThemeModel:
    """The shipped model, loaded once per process."""
    return ThemeModel.load()
