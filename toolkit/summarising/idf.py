"""TF-IDF features from inverse document frequencies of the domain corpus.

The summariser needs TF-IDF rows for a few dozen sentences at a time; doing
that with NumPy over the document's own vocabulary keeps scikit-learn (and
its 1 s import) out of the `summarise` command.  The table is the plain
JSON file written by ``scripts/build_idf.py``.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np


@dataclass(frozen=True)
class IdfTable:
    idf: dict[str, float]
    n_documents: int

    @property
    def unseen_idf(self) -> float:
        """IDF of a term the corpus never saw (smoothed, as scikit-learn does)."""
        return math.log((1 + self.n_documents) / 1) + 1.0

    def weight(self, term: str) -> float:
        return self.idf.get(term, self.unseen_idf)

    @classmethod
    def from_document_frequencies(cls, df: Counter, n_documents: int, *, min_df: int = 1) -> "IdfTable":
        idf = {
            term: math.log((1 + n_documents) / (1 + count)) + 1.0
            for term, count in df.items()
            if count >= min_df
        }
        return cls(idf, n_documents)

    @classmethod
    def load(cls, path: str | Path) -> "IdfTable":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls({t: float(v) for t, v in data["idf"].items()}, int(data["n_documents"]))

    def to_json(self) -> dict:
        return {
            "n_documents": self.n_documents,
            "idf": {t: round(v, 4) for t, v in sorted(self.idf.items())},
        }


def tfidf_rows(token_lists: Sequence[Sequence[str]], idf: IdfTable) -> tuple[np.ndarray, list[str]]:
    """L2-normalised TF-IDF rows (sublinear tf) over the tokens' own vocabulary.

    Returns the dense matrix and its column terms.  An empty row stays zero.
    """
    vocabulary: dict[str, int] = {}
    for tokens in token_lists:
        for token in tokens:
            vocabulary.setdefault(token, len(vocabulary))
    matrix = np.zeros((len(token_lists), len(vocabulary)))
    for row, tokens in enumerate(token_lists):
        for token, count in Counter(tokens).items():
            matrix[row, vocabulary[token]] = 1.0 + math.log(count)
    weights = np.array([idf.weight(t) for t in vocabulary])
    matrix *= weights
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    np.divide(matrix, norms, out=matrix, where=norms > 0)
    return matrix, list(vocabulary)


def document_frequencies(token_lists: Iterable[Iterable[str]]) -> Counter:
    """How many documents each term occurs in."""
    df: Counter = Counter()
    for tokens in token_lists:
        df.update(set(tokens))
    return df


@dataclass(frozen=True)
class SparseRows:
    """L2-normalised TF-IDF rows in compressed form: row i holds terms[indptr[i]:indptr[i+1]].

    Memory and time grow with the number of (row, term) pairs, never with
    rows x vocabulary, so a report of any length fits.
    """

    indptr: np.ndarray  # row starts, len(rows) + 1
    terms: np.ndarray  # column (term) ids
    values: np.ndarray  # weights

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    def row_sums(self, per_term: np.ndarray, *, weighted: bool = True) -> np.ndarray:
        """For each row, the sum over its terms of per_term[term] (times the row's weight if weighted)."""
        contributions = per_term[self.terms] * self.values if weighted else per_term[self.terms]
        sums = np.zeros(self.n_rows)
        nonempty = np.diff(self.indptr) > 0
        if contributions.size:
            sums[nonempty] = np.add.reduceat(contributions, self.indptr[:-1][nonempty])
        return sums

    def row_terms(self, row: int) -> np.ndarray:
        return self.terms[self.indptr[row] : self.indptr[row + 1]]


def weighted_counts(counts: Counter, idf: IdfTable) -> dict[str, float]:
    """Sublinear tf times idf, L2-normalised, for one bag of words."""
    known, unseen, log = idf.idf.get, idf.unseen_idf, math.log  # one lookup per term, not a method call
    weights = {term: (1.0 + log(count) if count > 1 else 1.0) * known(term, unseen) for term, count in counts.items() if count > 0}
    norm = math.sqrt(math.fsum(w * w for w in weights.values()))
    if norm <= 0:
        return {}
    scale = 1.0 / norm
    return {term: w * scale for term, w in weights.items()}


def sparse_tfidf_rows(token_lists: Sequence[Sequence[str]], idf: IdfTable, vocabulary: dict[str, int]) -> SparseRows:
    """TF-IDF rows of many token lists; new terms are added to ``vocabulary``.

    Each row is ``weighted_counts`` of its tokens, value for value (the same float operations,
    the norm summed with ``math.fsum``), terms in the order they first appear in the row; the
    counting is done on arrays for all rows at once instead of a Counter and dicts per row.
    """
    n_rows = len(token_lists)
    ids = [vocabulary.setdefault(token, len(vocabulary)) for tokens in token_lists for token in tokens]
    if not ids:
        return SparseRows(np.zeros(n_rows + 1, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))
    size = len(vocabulary)
    rows = np.repeat(np.arange(n_rows, dtype=np.int64), [len(tokens) for tokens in token_lists])
    keys, first, counts = np.unique(rows * size + np.array(ids, dtype=np.int64), return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")  # row by row, each term where it first appears
    keys, counts = keys[order], counts[order]
    rows, terms = np.divmod(keys, size)
    known, unseen, log = idf.idf.get, idf.unseen_idf, math.log
    term_idf = np.array([known(term, unseen) for term in vocabulary])
    sublinear = np.array([1.0, 1.0] + [1.0 + log(count) for count in range(2, int(counts.max()) + 1)])
    weights = sublinear[counts] * term_idf[terms]
    per_row = np.bincount(rows, minlength=n_rows)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(per_row, out=indptr[1:])
    squares = (weights * weights).tolist()
    bounds = indptr.tolist()
    scale = np.array([1.0 / math.sqrt(math.fsum(squares[bounds[r] : bounds[r + 1]])) if per_row[r] else 0.0 for r in range(n_rows)])
    return SparseRows(indptr, terms, weights * scale[rows])
