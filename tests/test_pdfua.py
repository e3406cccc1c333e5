"""PDF/UA-1 as an independent audit reads it (issue 22): metadata, figures' and tables'
bounding boxes, fill-in sentences read with their fields in place — read back with pikepdf,
PDF.js (tests/pdfjs/struct.mjs) and poppler over built-in worksheets in several editions."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from conftest import manifest, write_yaml
from workbook.build import build
from workbook.library import builtin_dir
from workbook.project import BuildOptions

LIBRARY = sorted(p.stem for p in (builtin_dir() / "en").glob("*.yaml"))
PRACTICE = {"name": "Dana Ortiz", "practice": "Harbor Counseling"}
# every built-in worksheet, in a few editions: language, theme, page size, print or fillable
EDITIONS: dict[str, dict[str, Any]] = {
    "en-print-letter": {},
    "es-fillable-a4-large": {
        "language": "es",
        "fillable": True,
        "theme": "large-print",
        "page_size": "a4",
        "date": None,
    },
    "en-fillable-ink-saver-practice": {
        "theme": "ink-saver",
        "fillable": True,
        "edition": "facilitator",
        "prepared_by": PRACTICE,
    },
    "es-print-a4-practice": {"language": "es", "page_size": "a4", "prepared_by": PRACTICE},
}


def _manifest(**fields: Any) -> dict[str, Any]:
    data = manifest(**{"worksheets": LIBRARY, **fields})
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every edition built once for the module's tests."""
    folder = tmp_path_factory.mktemp("pdfua")
    paths = {}
    with pytest.MonkeyPatch.context() as env:
        env.delenv("SOURCE_DATE_EPOCH", raising=False)  # an undated edition has no date at all
        for name, fields in EDITIONS.items():
            source = write_yaml(folder / f"{name}.yaml", _manifest(**fields))
            paths[name] = build(BuildOptions(manifest=source, output=folder / f"{name}.pdf")).path
    return paths


# --- language and metadata ------------------------------------------------------------------


XMP_KEYS = ("dc:title", "dc:creator", "dc:description", "xmp:CreateDate", "xmp:ModifyDate")


def _info_date(text: str) -> dt.datetime:
    """A PDF date string (D:YYYYMMDDHHmmSS+HH'mm') as an aware datetime."""
    found = re.fullmatch(r"D:(\d{14})([+-])(\d\d)'(\d\d)'?", text)
    assert found, text
    stamp, sign, hours, minutes = found.groups()
    offset = dt.timedelta(hours=int(hours), minutes=int(minutes)) * (1 if sign == "+" else -1)
    return dt.datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=dt.timezone(offset))


def _metadata(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The document information dictionary and the XMP packet's properties."""
    with pikepdf.open(path) as pdf:
        info = {str(k): str(v) for k, v in pdf.docinfo.items()}
        with pdf.open_metadata() as xmp:
            return info, {key: xmp.get(key) for key in XMP_KEYS}


def _check_metadata(path: Path, author: str | None, day: dt.date) -> None:
    info, xmp = _metadata(path)
    assert all(value.strip() for value in info.values()), info  # no empty entries
    assert "/Keywords" not in info
    assert info.get("/Author") == author
    assert xmp.get("dc:creator") == ([author] if author else None)
    assert xmp["dc:title"] == info["/Title"]
    assert xmp["dc:description"] == info["/Subject"]
    created = _info_date(info["/CreationDate"])
    assert _info_date(info["/ModDate"]) == created
    assert created.date() == day and created.utcoffset() == dt.timedelta(0)
    for key in ("xmp:CreateDate", "xmp:ModifyDate"):
        assert dt.datetime.fromisoformat(xmp[key]) == created, key


@pytest.mark.parametrize("edition", EDITIONS)
def test_metadata_has_no_empty_entries_and_the_workbooks_date(
    editions: dict[str, Path], edition: str
) -> None:
    fields = EDITIONS[edition]
    practice = fields.get("prepared_by", {}).get("practice")
    undated = "date" in fields  # left out: neither a date nor SOURCE_DATE_EPOCH
    _check_metadata(editions[edition], practice, dt.date(2000, 1, 1) if undated
                    else dt.date(2026, 11, 22))  # fmt: skip


def test_an_undated_workbook_takes_source_date_epoch_and_builds_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 14 November 2023, 22:13 UTC
    source = write_yaml(tmp_path / "wb.yaml", _manifest(date=None, worksheets=["i-statements"]))
    hashes = []
    for name in ("one.pdf", "two.pdf"):
        path = build(BuildOptions(manifest=source, output=tmp_path / name)).path
        _check_metadata(path, None, dt.date(2023, 11, 14))
        hashes.append(hashlib.sha256(path.read_bytes()).hexdigest())
    assert hashes[0] == hashes[1]
