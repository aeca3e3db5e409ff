"""Features: what the theme model reads of a paragraph, as TF-IDF blocks over arrays.

Four blocks, each a TF-IDF row with sublinear term frequency and its own l2
norm, scaled by its block weight: word 1-2-grams of the paragraph, character
1-3-grams of it, word unigrams of its context (document title, section
heading, neighbouring paragraphs) and word unigrams of its whole document.

Training fits the vocabularies with scikit-learn (:class:`FeatureSpace`).
Tagging uses :class:`FeatureTables`, the same vocabularies as sorted arrays:
every paragraph is segmented once, its words become ids with one
``searchsorted`` over the sorted token table, word bigrams are id pairs and
character n-grams are integer codes of the code points, both looked up with
``searchsorted`` in sorted code tables.  The context and document blocks are
built from the paragraphs' word ids, never by segmenting again.  A linear
model over the blocks is a sum of per-block products, so the document row
is multiplied by the weights once per document and added to each
paragraph's logits rather than copied onto every paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from toolkit.text.document import HEADING, Paragraph, TextPipeline

BLOCK_PREFIXES = {"word": "", "char": "char:", "context": "context:", "document": "document:"}
WORD_BLOCKS = ("word", "context", "document")  # blocks over segmented words
# Code points shifted by one (0 marks the end of a text) take 21 bits, so a 3-gram fits in an int64.
_CHAR_BITS = 21
# scikit-learn's char analyser collapses runs of two or more whitespace characters into one space.
_WHITE_SPACES = re.compile(r"\s\s+")


# --- training side: scikit-learn vectorisers ----------------------------------------------


class FeatureSpace:
    """The four blocks as fitted scikit-learn vectorisers, for training.

    ``tables()`` gives the array form tagging uses; ``transform`` gives the
    sparse matrix the linear models are fitted on.
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
        for block in active_blocks(settings):
            vectoriser = cls.make_vectoriser(block, settings)
            vectoriser.fit(inputs[block])
            vectorisers[block] = vectoriser
        return cls(settings, vectorisers)

    @staticmethod
    def active_blocks(settings: dict) -> list[str]:
        return active_blocks(settings)

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
        return [BLOCK_PREFIXES[block] + term for block, terms in self.vocabularies().items() for term in terms]

    @classmethod
    def from_tables(cls, tables: "FeatureTables") -> "FeatureSpace":
        """Vectorisers with the tables' vocabularies: the scikit-learn reading of a model, to check tagging against."""
        names, vectorisers, start = tables.feature_names(), {}, 0
        for block, size in tables.sizes.items():
            vectoriser = cls.make_vectoriser(block, tables.settings)
            prefix = BLOCK_PREFIXES[block]
            vectoriser.vocabulary_ = {name[len(prefix) :]: column for column, name in enumerate(names[start : start + size])}
            vectoriser.idf_ = tables.idf[block].astype(np.float64)
            vectorisers[block] = vectoriser
            start += size
        return cls(tables.settings, vectorisers)

    def vocabularies(self) -> dict[str, list[str]]:
        """Block name -> its terms in column order."""
        vocabularies = {}
        for block, vectoriser in self.vectorisers.items():
            terms = [""] * len(vectoriser.vocabulary_)
            for term, column in vectoriser.vocabulary_.items():
                terms[column] = term
            vocabularies[block] = terms
        return vocabularies

    def tables(self) -> "FeatureTables":
        idf = {block: vectoriser.idf_ for block, vectoriser in self.vectorisers.items()}
        return FeatureTables.from_vocabularies(self.settings, self.vocabularies(), idf)


def active_blocks(settings: dict) -> list[str]:
    blocks = ["word"]
    if settings.get("char_ngrams"):
        blocks.append("char")
    if settings.get("context_weight", 0) > 0:
        blocks.append("context")
    if settings.get("document_weight", 0) > 0:
        blocks.append("document")
    return blocks


def paragraph_inputs(
    pipeline: TextPipeline, analysis_texts: Sequence[str], contexts: Sequence[str], document_words: Sequence[str]
) -> dict[str, list[str]]:
    """What :class:`FeatureSpace` reads: segmented words, raw analysis text, segmented context,
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


def context_sources(paragraphs: Sequence[Paragraph], *, has_title: bool) -> list[list[int]]:
    """For each paragraph, the paragraphs its context is made of (see :func:`context_text`), by index."""
    sources = []
    heading = -1
    for i, paragraph in enumerate(paragraphs):
        parts = []
        if i and has_title:
            parts.append(0)
        if heading >= 0 and (i == 0 or paragraphs[heading].analysis != paragraphs[i - 1].analysis):
            parts.append(heading)
        if i > 0:
            parts.append(i - 1)
        if i + 1 < len(paragraphs):
            parts.append(i + 1)
        sources.append([p for p in parts if paragraphs[p].analysis])
        if i and paragraph.kind == HEADING:
            heading = i
    return sources


def document_contexts(paragraphs: Sequence[Paragraph], *, title: str = "") -> list[str]:
    """Context of each paragraph of a document, as text (see :func:`context_text`)."""
    contexts = []
    heading = ""
    for i, paragraph in enumerate(paragraphs):
        before = paragraphs[i - 1].analysis if i > 0 else ""
        after = paragraphs[i + 1].analysis if i + 1 < len(paragraphs) else ""
        contexts.append(context_text(title if i else "", heading, before, after))
        if i and paragraph.kind == HEADING:
            heading = paragraph.analysis
    return contexts


# --- tagging side: arrays -----------------------------------------------------------------


@dataclass(frozen=True)
class Entries:
    """Sparse entries of one block: row, column (within the block), value."""

    rows: np.ndarray
    columns: np.ndarray
    values: np.ndarray


@dataclass
class WordIds:
    """Segmented texts as one array of token ids (-1: a word no block knows) and where each text starts."""

    ids: np.ndarray  # int64
    starts: np.ndarray  # int64, one per text plus the end

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.starts)


class FeatureTables:
    """The fitted vocabularies and IDF weights as sorted arrays: what tagging reads.

    ``tokens``: every word any word block knows, sorted; ``token_columns[block]``
    the column of each token in that block (-1 when not in it).
    ``bigram_codes`` (sorted, ``first * len(tokens) + second``) and
    ``bigram_columns``: the word block's bigrams.  ``char_codes`` (sorted)
    and ``char_columns``: the character n-grams (see :func:`char_ngram_codes`).
    """

    def __init__(self, settings: dict, arrays: dict[str, np.ndarray], sizes: dict[str, int]) -> None:
        self.settings = settings
        self.tokens = arrays["tokens"]
        self.token_columns = {block: arrays[f"token_columns_{block}"] for block in WORD_BLOCKS if f"token_columns_{block}" in arrays}
        self.bigram_codes, self.bigram_columns = arrays["bigram_codes"], arrays["bigram_columns"]
        self.char_codes, self.char_columns = arrays["char_codes"], arrays["char_columns"]
        self.idf = {block: arrays[f"idf_{block}"].astype(np.float32) for block in sizes}
        self.sizes = sizes  # block -> number of columns, in the order of the stacked feature space
        self.offsets = dict(zip(sizes, np.cumsum([0, *sizes.values()])[:-1].tolist()))
        self.weights = {block: float(settings.get(f"{block}_weight", 1.0)) for block in sizes}
        self._word_id_memo: dict[str, int] = {}  # word -> token id, filled as words are met (see word_ids)
        self._single_char_table: np.ndarray | None = None  # see _single_char_columns

    MAX_MEMO_WORDS = 1_000_000

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_word_id_memo": {}, "_single_char_table": None}

    @property
    def n_features(self) -> int:
        return int(sum(self.sizes.values()))

    # --- building and storing ---

    @classmethod
    def from_vocabularies(cls, settings: dict, vocabularies: dict[str, list[str]], idf: dict) -> "FeatureTables":
        """From terms in column order (model formats 1 to 3 store these)."""
        token_set = set()
        for block in WORD_BLOCKS:
            for term in vocabularies.get(block, ()):
                token_set.update(term.split(" "))
        tokens = np.array(sorted(token_set), dtype=str) if token_set else np.zeros(0, dtype="<U1")
        token_id = {token: i for i, token in enumerate(tokens.tolist())}
        arrays: dict[str, np.ndarray] = {"tokens": tokens}
        bigram_codes, bigram_columns = [], []
        for block in WORD_BLOCKS:
            if block not in vocabularies:
                continue
            columns = np.full(len(tokens), -1, dtype=np.int32)
            for column, term in enumerate(vocabularies[block]):
                parts = term.split(" ")
                if len(parts) == 1:
                    columns[token_id[term]] = column
                elif len(parts) == 2 and block == "word":
                    bigram_codes.append(token_id[parts[0]] * len(tokens) + token_id[parts[1]])
                    bigram_columns.append(column)
                else:
                    raise ValueError(f"{block} block: n-grams longer than two words are not supported ({term!r})")
            arrays[f"token_columns_{block}"] = columns
        arrays["bigram_codes"], arrays["bigram_columns"] = _sorted_table(bigram_codes, bigram_columns)
        char_terms = vocabularies.get("char", [])
        if any(len(term) > 3 for term in char_terms):  # 3 x 21 bits is all an int64 code holds
            raise ValueError("char block: n-grams longer than three characters are not supported")
        codes = [encode_char_ngram(term) for term in char_terms]
        arrays["char_codes"], arrays["char_columns"] = _sorted_table(codes, range(len(char_terms)))
        for block, values in idf.items():
            arrays[f"idf_{block}"] = np.asarray(values, dtype=np.float32)
        sizes = {block: len(vocabularies[block]) for block in active_blocks(settings) if block in vocabularies}
        return cls(settings, arrays, sizes)

    def to_arrays(self) -> tuple[dict, dict[str, np.ndarray]]:
        """What a model file stores: a description (settings, block sizes) and the arrays."""
        arrays = {"tokens": self.tokens, "bigram_codes": self.bigram_codes, "bigram_columns": self.bigram_columns}
        arrays |= {"char_codes": self.char_codes, "char_columns": self.char_columns}
        arrays |= {f"token_columns_{block}": columns for block, columns in self.token_columns.items()}
        arrays |= {f"idf_{block}": idf for block, idf in self.idf.items()}
        return {"settings": self.settings, "block_sizes": self.sizes}, arrays

    @classmethod
    def from_arrays(cls, description: dict, arrays: dict[str, np.ndarray]) -> "FeatureTables":
        """Raises KeyError naming a missing entry."""
        return cls(description["settings"], arrays, {block: int(size) for block, size in description["block_sizes"].items()})

    def feature_names(self) -> list[str]:
        """Every column's term, block-prefixed as ``char:``, ``context:``, ``document:`` (built on demand)."""
        tokens = self.tokens.tolist()
        names: list[str] = []
        for block, size in self.sizes.items():
            terms = [""] * size
            if block == "char":
                for code, column in zip(self.char_codes.tolist(), self.char_columns.tolist()):
                    terms[column] = decode_char_code(code)
            else:
                for token, column in enumerate(self.token_columns[block].tolist()):
                    if column >= 0:
                        terms[column] = tokens[token]
                if block == "word":
                    for code, column in zip(self.bigram_codes.tolist(), self.bigram_columns.tolist()):
                        first, second = divmod(code, len(tokens))
                        terms[column] = f"{tokens[first]} {tokens[second]}"
            names.extend(BLOCK_PREFIXES[block] + term for term in terms)
        return names

    # --- features of texts ---

    def word_ids(self, word_lists: Sequence[Sequence[str]]) -> WordIds:
        """Each text's words (from the segmenter) as token ids, in one array.

        Ids come from a memo of the words seen so far; only words not seen before are looked up
        in the sorted token table (a few thousand distinct words make up most text, and a
        Python dictionary lookup per word is far cheaper than sorting strings in numpy).
        """
        lengths = np.fromiter((len(words) for words in word_lists), dtype=np.int64, count=len(word_lists))
        starts = np.zeros(len(word_lists) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        words = [word for text_words in word_lists for word in text_words]
        memo = self._word_id_memo
        ids = list(map(memo.get, words))
        if None in ids:
            unseen = list({word for word, i in zip(words, ids) if i is None})
            if len(memo) + len(unseen) > self.MAX_MEMO_WORDS:  # a stream of ever new words (numbers, names)
                memo.clear()
            memo.update(zip(unseen, self._table_ids(unseen).tolist()))
            ids = list(map(memo.__getitem__, words))
        return WordIds(np.array(ids, dtype=np.int64), starts)

    def _table_ids(self, words: list[str]) -> np.ndarray:
        """Token ids of distinct words by ``searchsorted`` in the token table (-1: in no block)."""
        if not words or not len(self.tokens):
            return np.full(len(words), -1, dtype=np.int64)
        query = np.array(words, dtype=str)
        unknown = np.zeros(len(words), dtype=bool)
        if query.itemsize > self.tokens.itemsize:  # words longer than any token: in no block, and cast to the table's width
            unknown = np.char.str_len(query) > self.tokens.itemsize // 4
            query = query.astype(self.tokens.dtype)
        position = np.minimum(np.searchsorted(self.tokens, query), len(self.tokens) - 1)
        return np.where((self.tokens[position] == query) & ~unknown, position, -1).astype(np.int64)

    def word_entries(self, words: WordIds) -> Entries:
        """The word block: unigrams and bigrams of each text, one row per text."""
        rows = np.repeat(np.arange(len(words.lengths)), words.lengths)
        columns = self.token_columns["word"][words.ids] if len(words.ids) else np.zeros(0, dtype=np.int32)
        known = (words.ids >= 0) & (columns >= 0)
        row_parts, column_parts = [rows[known]], [columns[known]]
        if self.settings["word_ngrams"][1] >= 2 and len(words.ids) > 1 and len(self.bigram_codes):
            first, second = words.ids[:-1], words.ids[1:]
            pair = (rows[:-1] == rows[1:]) & (first >= 0) & (second >= 0)
            bigram_rows, bigram_columns = _lookup(self.bigram_codes, self.bigram_columns, first[pair] * len(self.tokens) + second[pair], rows[:-1][pair])
            row_parts.append(bigram_rows)
            column_parts.append(bigram_columns)
        return self._tfidf("word", np.concatenate(row_parts), np.concatenate(column_parts), len(words.lengths))

    def unigram_entries(self, block: str, words: WordIds, rows: np.ndarray, positions: np.ndarray, n_rows: int) -> Entries:
        """A unigram block (context, document) whose row ``rows[k]`` holds the word at ``positions[k]``."""
        ids = words.ids[positions]
        known = ids >= 0
        columns = self.token_columns[block][ids[known]]
        present = columns >= 0
        return self._tfidf(block, rows[known][present], columns[present], n_rows)

    def char_entries(self, texts: Sequence[str]) -> Entries:
        low, high = self.settings["char_ngrams"]
        rows, codes = char_ngram_codes(texts, (low, high))
        # Single characters (a third of the n-grams) index a table by code point; only the longer
        # n-grams are sorted and searched.
        single = codes < (1 << _CHAR_BITS)
        table = self._single_char_columns()
        single_codes, single_rows = codes[single], rows[single]
        in_table = single_codes < len(table)
        single_columns = np.full(len(single_codes), -1, dtype=np.int32)
        single_columns[in_table] = table[single_codes[in_table]]
        known = single_columns >= 0
        longer_rows, longer_columns = _lookup(self.char_codes, self.char_columns, codes[~single], rows[~single])
        rows = np.concatenate([single_rows[known], longer_rows])
        columns = np.concatenate([single_columns[known], longer_columns])
        return self._tfidf("char", rows, columns, len(texts))

    def _single_char_columns(self) -> np.ndarray:
        """Column of each single-character code (code point + 1) up to the largest in the vocabulary, -1 for none.

        Built on first use from the sorted codes (the single characters come first): as large as
        the highest code point in the vocabulary, at most 4.4 MB.
        """
        if self._single_char_table is None:
            count = int(np.searchsorted(self.char_codes, 1 << _CHAR_BITS))
            codes = self.char_codes[:count]
            table = np.full(int(codes.max()) + 1 if count else 0, -1, dtype=np.int32)
            table[codes] = self.char_columns[:count]
            self._single_char_table = table
        return self._single_char_table

    def _tfidf(self, block: str, rows: np.ndarray, columns: np.ndarray, n_rows: int) -> Entries:
        """Counts to TF-IDF as scikit-learn computes it: (1 + log count) * idf, each row l2-normalised, times the block weight."""
        size = self.sizes[block]
        keys, counts = np.unique(rows.astype(np.int64) * size + columns, return_counts=True)
        rows, columns = np.divmod(keys, size)
        values = (np.log(counts) + 1.0) * self.idf[block][columns]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n_rows))
        values = values / norms[rows] * self.weights[block]
        return Entries(rows, columns, values.astype(np.float32))

    def block_logits(self, block: str, entries: Entries, weights: np.ndarray, n_rows: int) -> np.ndarray:
        """``entries`` (one block's rows) times the block's rows of ``weights`` (features x outputs).

        scipy's compiled sparse-times-dense loop (``sparse_product``): ten times as fast as gathering
        the weight rows into an (entries x outputs) temporary and summing it per row with numpy.
        Always this one product, whatever the batch: a row's sum then does not depend on which rows
        it is tagged with, so -j N, a Dask cluster and one file at a time write the same bytes.
        """
        from toolkit.themes.sparse_product import csr_times_dense

        if not len(entries.rows):
            return np.zeros((n_rows, weights.shape[1]), dtype=np.float32)
        block_weights = weights[self.offsets[block] : self.offsets[block] + self.sizes[block]]
        row_starts = np.searchsorted(entries.rows, np.arange(n_rows + 1))  # rows come sorted
        return csr_times_dense(entries.values, entries.columns, row_starts, block_weights)


def char_ngram_codes(texts: Sequence[str], ngram_range: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The character n-grams of each text as int64 codes, with the row (text) of each.

    As scikit-learn's ``analyzer="char"``: lowercased, runs of whitespace
    collapsed to one space.  An n-gram's code packs its code points (plus
    one) into 21 bits each, so codes of different lengths never collide.
    """
    low, high = ngram_range
    if not texts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    prepared = [_WHITE_SPACES.sub(" ", text.lower()) for text in texts]
    lengths = np.fromiter((len(text) for text in prepared), dtype=np.int64, count=len(prepared))
    # One array of code points plus one, a 0 after each text so no n-gram spans two texts.
    points = np.frombuffer("\0".join(prepared).encode("utf-32-le"), dtype=np.uint32).astype(np.int64) + 1
    points = np.append(points, 0)
    ends = np.cumsum(lengths + 1) - 1
    points[ends] = 0
    row_of = np.repeat(np.arange(len(prepared)), lengths + 1)
    row_parts, code_parts = [], []
    for n in range(low, high + 1):
        if len(points) < n:
            continue
        count = len(points) - n + 1
        codes = points[:count].copy()
        valid = codes > 0
        for k in range(1, n):
            following = points[k : k + count]
            valid &= following > 0
            codes = (codes << _CHAR_BITS) | following
        row_parts.append(row_of[:count][valid])
        code_parts.append(codes[valid])
    if not code_parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(row_parts), np.concatenate(code_parts)


def encode_char_ngram(ngram: str) -> int:
    """The code :func:`char_ngram_codes` gives this n-gram (of an already lowercased text)."""
    code = 0
    for char in ngram:
        code = (code << _CHAR_BITS) | (ord(char) + 1)
    return code


def decode_char_code(code: int) -> str:
    chars = []
    while code:
        chars.append(chr((code & ((1 << _CHAR_BITS) - 1)) - 1))
        code >>= _CHAR_BITS
    return "".join(reversed(chars))


def _sorted_table(codes, columns) -> tuple[np.ndarray, np.ndarray]:
    codes = np.asarray(list(codes), dtype=np.int64)
    columns = np.asarray(list(columns), dtype=np.int32)
    order = np.argsort(codes, kind="stable")
    return codes[order], columns[order]


def _lookup(sorted_codes: np.ndarray, columns: np.ndarray, codes: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (row, column) pairs of the ``codes`` that are in the table, in no particular order.

    The codes are looked up sorted: a text repeats its n-grams, and sorted keys walk the
    table in one direction instead of missing the cache at every step.
    """
    if not len(sorted_codes) or not len(codes):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    order = np.argsort(codes)
    codes, rows = codes[order], rows[order]
    position = np.minimum(np.searchsorted(sorted_codes, codes), len(sorted_codes) - 1)
    found = sorted_codes[position] == codes
    return rows[found], columns[position[found]]
