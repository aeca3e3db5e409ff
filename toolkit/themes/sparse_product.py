"""Sparse rows times a dense matrix: scipy's compiled CSR loop, without importing ``scipy.sparse``.

Tagging needs one product from scipy: CSR rows x dense weights.  ``import scipy.sparse``
costs 0.14 s (its array-API layer imports numpy.f2py, numpy.testing and the like) -- a
quarter of `tag`'s start-up, which every worker waits for.  The loop itself lives in the
extension module ``scipy/sparse/_sparsetools``, which needs nothing but numpy: loaded on
its own it takes 0.01 s.  It is the very function ``csr_matrix @ dense`` calls, so the
products are bit-for-bit those of scipy.  Should a scipy release move it, the public
``scipy.sparse`` product is used instead.
"""

from __future__ import annotations

import sys

import numpy as np

_MODULE = "scipy.sparse._sparsetools"


def _kernel():
    """scipy's ``csr_matvecs`` (y += A @ X for CSR A), or None if this scipy has no such module."""
    module = sys.modules.get(_MODULE)
    if module is None:
        import importlib.machinery
        import importlib.util
        from pathlib import Path

        try:
            spec = importlib.util.find_spec("scipy")
            folder = Path(spec.origin).parent / "sparse"
            path = next(p for suffix in importlib.machinery.EXTENSION_SUFFIXES for p in folder.glob("_sparsetools*" + suffix))
            loader = importlib.machinery.ExtensionFileLoader(_MODULE, str(path))
            module = importlib.util.module_from_spec(importlib.util.spec_from_file_location(_MODULE, path, loader=loader))
        except Exception:  # noqa: BLE001 - any surprise in scipy's layout: use the public route
            return None
        sys.modules[_MODULE] = module  # a later `import scipy.sparse` reuses it instead of a second copy
    return getattr(module, "csr_matvecs", None)


def csr_times_dense(values: np.ndarray, columns: np.ndarray, row_starts: np.ndarray, dense: np.ndarray) -> np.ndarray:
    """(rows x len(dense)) CSR matrix (``values``, ``columns``, ``row_starts``) times C-ordered ``dense``, in float32."""
    n_rows = len(row_starts) - 1
    kernel = _kernel()
    if kernel is None:
        from scipy.sparse import csr_matrix

        matrix = csr_matrix((values, columns, row_starts), shape=(n_rows, dense.shape[0]))
        return np.asarray(matrix @ dense, dtype=np.float32)
    out = np.zeros((n_rows, dense.shape[1]), dtype=np.float32)
    index = np.int32 if dense.shape[0] < 2**31 and len(values) < 2**31 else np.int64
    kernel(
        n_rows, dense.shape[0], dense.shape[1],
        row_starts.astype(index, copy=False), columns.astype(index, copy=False), values.astype(np.float32, copy=False),
        np.ascontiguousarray(dense, dtype=np.float32).ravel(), out.ravel(),
    )
    return out
