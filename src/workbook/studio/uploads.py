"""Files sent to the studio: each kept in the scratch folder under a name of our own, after
the checks the CLI makes of a file (its size, and that it is what it says it is)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile

CHUNK = 1 << 16
SAFE = re.compile(r"[^A-Za-z0-9._-]+")  # what a kept file's own name may hold


@dataclass(frozen=True)
class Kind:
    """One kind of upload: the suffixes it may have, what its bytes start with, its limit."""

    suffixes: tuple[str, ...]
    starts: tuple[bytes, ...]  # empty: any start (text files)
    limit: int  # bytes
    words: str  # how a message names it, e.g. "a PNG or JPEG image"
    within: int = 0  # how far into the file a start may be (PDF readers allow some junk)


LOGO = Kind((".png", ".jpg", ".jpeg"), (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"), 5_000_000,
            "a PNG or JPEG image")  # fmt: skip
ROSTER = Kind((".csv", ".yaml", ".yml", ".json"), (), 5_000_000, "a roster (.csv, .yaml or .json)")
PDF = Kind((".pdf",), (b"%PDF-",), 50_000_000, "a PDF file", within=1024)  # as the CLI reads


class UploadRefused(Exception):
    """A file the studio will not keep; the message says why, naming the file."""


def is_upload(value: Any) -> bool:
    """A file input's value that holds a file (an empty file input sends a nameless part)."""
    return isinstance(value, UploadFile) and bool(value.filename)


async def keep(upload: UploadFile, kind: Kind, folder: Path, keep_name: bool = False) -> Path:
    """Save `upload` in `folder` once it passes: under a random name with its own suffix, or
    (`keep_name`) under its own name made safe."""
    shown = Path(upload.filename or "the file").name[:120]
    suffix = Path(shown).suffix.lower()
    if suffix not in kind.suffixes:
        raise UploadRefused(f"{shown}: this is not {kind.words}")
    folder.mkdir(parents=True, exist_ok=True)
    stem = SAFE.sub("-", Path(shown).stem).strip(".-_")[:60] if keep_name else ""
    path = folder / f"{stem or secrets.token_hex(8)}{suffix}"
    size = 0
    with path.open("xb") as out:
        while chunk := await upload.read(CHUNK):
            size += len(chunk)
            if size > kind.limit:
                out.close()
                path.unlink()
                raise UploadRefused(f"{shown}: too large; the most is {kind.limit // 1_000_000} MB")
            out.write(chunk)
    with path.open("rb") as written:
        start = written.read(kind.within + 16)
    if not start or (kind.starts and not _starts(start, kind)):
        path.unlink()
        raise UploadRefused(f"{shown}: this is not {kind.words}" if start else f"{shown}: empty")
    return path


def _starts(head: bytes, kind: Kind) -> bool:
    if kind.within:
        return any(start in head[: kind.within + len(start)] for start in kind.starts)
    return head.startswith(kind.starts)
