"""Words: jieba-compatible segmentation with a domain dictionary and stop words.

The default backend is rjieba (jieba's dictionary and algorithm in Rust,
about 17x faster); ``backend="jieba"`` gives the reference implementation
with the same domain dictionary.
"""

from __future__ import annotations

import re
from importlib import resources

_DATA = "toolkit.data"
# Tokens kept as features: at least one CJK character or Latin letter.
# Pure numbers, punctuation and whitespace carry no theme.
_WORDLIKE = re.compile(r"[\u3400-\u9fffA-Za-z]")


def _data_lines(name: str) -> list[str]:
    text = resources.files(_DATA).joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def domain_words() -> list[tuple[str, int]]:
    """The domain dictionary as (word, frequency) pairs."""
    words = []
    for line in _data_lines("domain_words.txt"):
        word, _, freq = line.partition(" ")
        words.append((word, int(freq) if freq else 3000))
    return words


def stop_words() -> frozenset[str]:
    return frozenset(_data_lines("stopwords.txt"))


class _ContentWords(dict):
    """Token -> its content-word form (lowercased), or "" for punctuation, numbers and stop words.

    Filled on first sight of each token: a dictionary lookup per token instead of a regex
    search and a set lookup (the same few thousand tokens make up most text).  Emptied when
    it reaches MAX_ENTRIES, so an endless stream of distinct tokens (numbers) cannot grow it.
    """

    MAX_ENTRIES = 500_000

    def __init__(self, stop: frozenset[str]) -> None:
        super().__init__()
        self.stop = stop

    def __missing__(self, token: str) -> str:
        if len(self) >= self.MAX_ENTRIES:
            self.clear()
        form = token.lower() if token not in self.stop and _WORDLIKE.search(token) else ""
        self[token] = form
        return form


class Segmenter:
    """Cuts simplified Chinese into word tokens.

    The dictionary loads on first use and is dropped when pickled, so a
    segmenter is cheap to create and can be sent to worker processes or
    stored inside a scikit-learn pipeline.
    """

    def __init__(self, backend: str = "rjieba", *, hmm: bool = True) -> None:
        if backend not in ("rjieba", "jieba"):
            raise ValueError(f"unknown segmentation backend {backend!r}")
        self.backend = backend
        self.hmm = hmm  # jieba's HMM guesses words its dictionary lacks; False keeps dictionary words and single characters
        self._cut = None
        self._stop_words: frozenset[str] | None = None
        self._content_words: _ContentWords | None = None

    def __getstate__(self) -> dict:
        return {"backend": self.backend, "hmm": self.hmm, "_cut": None, "_stop_words": None, "_content_words": None}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update({"hmm": True, **state})  # pickled before the HMM was a setting: it was on

    def _load(self):
        if self.backend == "rjieba":
            import rjieba  # builds its default dictionary as it is imported (0.13 s)

            # Extend that default instead of building a second dictionary (another 0.13 s at every
            # start, a quarter of `tag`'s start-up).  Every rjieba user in the process then sees the
            # domain words; add_word sets a word's frequency, so adding them again changes nothing.
            for word, freq in domain_words():
                rjieba.add_word(word, freq, None)
            cut = rjieba.cut if self.hmm else (lambda text: rjieba.cut(text, False))
        else:
            import jieba

            engine = jieba.Tokenizer()
            for word, freq in domain_words():
                engine.add_word(word, freq)
            cut = engine.lcut if self.hmm else (lambda text: engine.lcut(text, HMM=False))
        self._stop_words = stop_words()
        self._content_words = _ContentWords(self._stop_words)
        return cut

    def cut(self, text: str) -> list[str]:
        """All tokens, as the segmenter returns them (punctuation included)."""
        if self._cut is None:
            self._cut = self._load()
        return self._cut(text)

    def words(self, text: str) -> list[str]:
        """Content words: no punctuation, numbers or stop words."""
        tokens = self.cut(text)
        return list(filter(None, map(self._content_words.__getitem__, tokens)))

    def joined(self, text: str) -> str:
        """Content words joined by spaces, for a vectoriser with ``token_pattern=r"\\S+"``."""
        return " ".join(self.words(text))
