"""Stage 6, the output file: never lose work, encrypt on request, write atomically."""

from __future__ import annotations

import io
import os
import secrets
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Location, WorkbookError

if TYPE_CHECKING:  # pypdf is imported only when a file needs reading or encrypting
    from pypdf import PdfReader


def _answered_fields(reader: PdfReader) -> list[str]:
    fields = reader.get_fields() or {}
    return [name for name, field in fields.items() if field.get("/V") not in (None, "", "/Off")]


def check_overwrite(path: Path, force: bool) -> None:
    """Refuse to replace a PDF that holds someone's answers, or that workbook did not write."""
    if force or not path.exists():
        return
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    where = Location(path)
    hint = "; use --force to replace it, or -o to write somewhere else"
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise WorkbookError.at(
                where, f"this PDF is password-protected, so its answers cannot be checked{hint}"
            )
        creator = str(reader.metadata.get("/Creator", "")) if reader.metadata else ""
        answered = _answered_fields(reader)
    except WorkbookError:
        raise
    except (PdfReadError, Exception):  # pypdf raises many kinds for a file that is not a PDF
        raise WorkbookError.at(where, f"this file is not a PDF that workbook wrote{hint}") from None
    if not creator.startswith("workbook"):
        raise WorkbookError.at(where, f"this PDF was not written by workbook{hint}")
    if answered:
        names = ", ".join(answered[:3]) + (", …" if len(answered) > 3 else "")
        raise WorkbookError.at(
            where, f"this PDF holds answers in {len(answered)} form field(s) ({names}){hint}"
        )


def encrypt(data: bytes, password: str) -> bytes:
    """AES-256 (PDF 2.0, revision 6) with pypdf: opens in pypdf, qpdf and poppler with the
    password; printing and filling in stay allowed."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.constants import UserAccessPermissions as Allow

    # What a reader of a password-protected workbook may still do: print it and fill it in.
    permissions = (
        Allow.PRINT | Allow.PRINT_TO_REPRESENTATION | Allow.FILL_FORM_FIELDS
        | Allow.ADD_OR_MODIFY | Allow.EXTRACT | Allow.EXTRACT_TEXT_AND_GRAPHICS
    )  # fmt: skip
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=secrets.token_hex(16),
                   algorithm="AES-256", permissions_flag=permissions)  # fmt: skip
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def write_atomic(data: bytes, path: Path) -> None:
    """Write to a temporary file in the same folder, then rename: never a partial PDF."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise WorkbookError.at(Location(path), f"cannot write here: {exc.strerror}") from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # like any new file, not mkstemp's owner-only mode
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise WorkbookError.at(Location(path), f"cannot write here: {exc.strerror}") from None
        raise
