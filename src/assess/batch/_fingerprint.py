"""Fingerprints of everything a report shows, so an incremental run redoes only what changed.

A group's report depends on the template, its parameters, the scores of *all* groups (its
rank and its peer comparisons come from them), that group's own input rows, the package
(version and code), and the language and format options. :func:`report_fingerprints`
hashes exactly those; :func:`index_fingerprint` does the same for ``index.html``.

Two provenance values are deliberately left out of a report's fingerprint: the input
file's SHA-256 and the generation time. Editing one recipient's comment changes the
workbook's hash but no other group's report; those reports are kept, and each keeps the
provenance of the run that wrote it. The index, which lists the run's provenance, is
rewritten whenever the input hash changes.

Hashes are of content (:func:`pandas.util.hash_pandas_object`), not of file bytes, so
re-saving the same result does not count as a change.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from assess.common import __version__, package_files
from assess.scoring import Result

__all__ = ["code_digest", "frame_digest", "group_digests", "index_fingerprint", "report_fingerprints"]

# Provenance that changes with any edit of the workbook, or with the clock (see the module doc).
_REPORT_META_IGNORED = ("generated_at", "input_sha256", "input", "warnings")  # the index lists warnings
_INDEX_META_IGNORED = ("generated_at",)


def _sha(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _header(frame: pd.DataFrame) -> bytes:
    return json.dumps([[str(c) for c in frame.columns], [str(d) for d in frame.dtypes]]).encode("utf-8")


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """One uint64 per row, from the row's values (not its index)."""
    try:
        return pd.util.hash_pandas_object(frame, index=False).to_numpy()
    except TypeError:  # unhashable cells (lists, dicts): hash their text instead
        text = frame.map(lambda v: json.dumps(v, sort_keys=True, default=str) if isinstance(v, list | dict) else v)
        return pd.util.hash_pandas_object(text.astype(str), index=False).to_numpy()


def frame_digest(frame: pd.DataFrame | None) -> str:
    """SHA-256 of a table's columns, dtypes and values (``"none"`` for a missing table)."""
    if frame is None:
        return "none"
    digest = hashlib.sha256(_header(frame))
    digest.update(_row_hashes(frame).tobytes())
    return digest.hexdigest()


def group_digests(inputs: Mapping[str, pd.DataFrame]) -> tuple[str, dict[str, str]]:
    """Digest the input sheets: ``(shared, {group_id: digest of that group's rows})``.

    Sheets with a ``group_id`` column are split by group; any other sheet counts for
    every group (the ``shared`` digest).
    """
    shared: list[tuple[str, str]] = []
    parts: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(inputs):
        table = inputs[name]
        if "group_id" not in table.columns:
            shared.append((name, frame_digest(table)))
            continue
        header = _header(table)
        rows = _row_hashes(table)
        for group_id, positions in table.groupby(table["group_id"].astype(str), sort=False).indices.items():
            digest = hashlib.sha256(header)
            digest.update(rows[positions].tobytes())
            parts.setdefault(group_id, []).append((name, digest.hexdigest()))
    return _sha(shared), {group_id: _sha(items) for group_id, items in parts.items()}


@functools.cache
def code_digest() -> str:
    """SHA-256 of the installed package's own files (catches code edits without a version bump)."""
    digest = hashlib.sha256()
    for name, resource in package_files("assess"):  # the whole package, templates included
        if name.endswith(_CODE_SUFFIXES):
            digest.update(name.encode("utf-8"))
            digest.update(resource.read_bytes())
    return digest.hexdigest()


_CODE_SUFFIXES = (".py", ".yaml", ".yml", ".j2", ".css", ".js", ".html", ".json", ".toml", ".po", ".ipynb")


def _meta(result: Result, ignored: Sequence[str]) -> dict[str, Any]:
    return {k: v for k, v in result.meta.items() if k not in ignored}


def _tables(result: Result) -> dict[str, str]:
    """Digests of every result table a report may show about any group (not ``inputs``)."""
    return {
        f.name: frame_digest(getattr(result, f.name))
        for f in dataclasses.fields(result)
        if isinstance(getattr(result, f.name), pd.DataFrame)
    }


def report_fingerprints(
    result: Result, template: str, group_ids: Iterable[str], options: Mapping[str, Any]
) -> dict[str, str]:
    """The fingerprint of each group's report.

    Parameters
    ----------
    result : Result
        The saved result the reports read.
    template : str
        The template notebook's text.
    group_ids : iterable of str
    options : mapping
        Everything else that changes the report's content: language, PDF, extra
        notebook parameters, kernel.

    Returns
    -------
    dict
        ``{group_id: hex digest}``.
    """
    shared_inputs, by_group = group_digests(result.inputs)
    base = _sha(
        "report",
        hashlib.sha256(template.encode("utf-8")).hexdigest(),
        __version__,
        code_digest(),
        dict(options),
        _tables(result),
        _meta(result, _REPORT_META_IGNORED),
        shared_inputs,
    )
    return {group_id: _sha(base, group_id, by_group.get(group_id, "")) for group_id in group_ids}


def index_fingerprint(result: Result, outcomes: Iterable[Any], options: Mapping[str, Any]) -> str:
    """The fingerprint of ``index.html``: scores, provenance, and which reports exist or failed."""
    listed = sorted((o.group_id, bool(o.ok), o.error if not o.ok else None) for o in outcomes)
    return _sha(
        "index", __version__, code_digest(), dict(options), _tables(result), _meta(result, _INDEX_META_IGNORED), listed
    )
