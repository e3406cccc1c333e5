"""Stage 6, the output file: never lose work, encrypt on request, write atomically.

Every file workbook writes (PDFs, batch reports, manifests from `init`, preview images) goes
through the same two steps:

    guard(path, kind)      inspects the path without opening it: only nothing, or a regular file
                           workbook wrote of that kind (a PDF without answers, a batch report, …)
                           may be replaced; never a device, FIFO, socket or folder, never one of
                           the command's own inputs, `--force` or not
    write_guarded(data, t) writes a locked temporary file beside it, looks again just before the
                           rename (answers saved meanwhile are not overwritten), then renames;
                           a temporary left by a killed run is removed by the next write
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import os
import re
import secrets
import shutil
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import Location, WorkbookError

Kind = Literal["pdf", "report", "manifest", "image", "answers", "html"]
MAX_NAME_BYTES = 255  # the longest file name Linux, macOS and Windows file systems take
TEMP_NAME_BYTES = 200  # the output's name as kept in its temporary's name (which adds 14)
HINT = "; use --force to replace it, or -o to write somewhere else"
# What each kind of file workbook writes starts with, so that it can be recognised again.
REPORT_START = re.compile(rb'\A\{\s*"(generator": "workbook|rows": \[)')
MANIFEST_START = re.compile(  # the comment `init` starts a manifest with, in each language
    rb"# (Your workbook\. Edit this file and run|Tu cuaderno\. Edita este archivo y vuelve a"
    rb" ejecutar) `workbook build"
)
PNG_SOFTWARE = b"tEXtSoftware\x00workbook"
HTML_GENERATOR = b'<meta name="generator" content="workbook '  # the web edition's head
# `workbook answers -o`: a JSON object or array, a CSV (perhaps with a BOM), or a listing
ANSWERS_START = re.compile(
    rb'\A(?:\xef\xbb\xbf)?(?:\[?\s*\{\s*"workbook_answers": |file,title,recipient\b'
    rb"|Answers read by workbook from )"
)
ACTIVE_TEMPORARIES: set[str] = set()  # temporaries being written now, for signal handlers


@dataclass(frozen=True)
class Target:
    """An output path, inspected: where the bytes go and what was there when it was checked."""

    path: Path  # the file to replace, with symbolic links followed
    shown: Path  # as the user wrote it, for messages
    kind: Kind
    seen: tuple[int, int, int, int] | None  # device, inode, size, mtime of the file there

    @property
    def where(self) -> Location:
        return Location(self.shown)


def _fail(path: Path, message: str) -> WorkbookError:
    return WorkbookError.at(Location(path), message)


def _inspect(path: Path) -> os.stat_result | None:
    """The file at `path` (links followed), or None; refuse anything but a regular file."""
    if len(os.fsencode(path.name)) > MAX_NAME_BYTES:
        raise _fail(path, f"the file name is too long ({len(os.fsencode(path.name))} bytes; "
                          f"at most {MAX_NAME_BYTES})")  # fmt: skip
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _fail(path, f"cannot write here: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise _fail(path, "is a folder; give a file name")
    if not stat.S_ISREG(info.st_mode):
        what = "a named pipe" if stat.S_ISFIFO(info.st_mode) else "a socket" if stat.S_ISSOCK(
            info.st_mode) else "a device"  # fmt: skip
        raise _fail(path, f"is {what}, not a regular file; workbook writes only regular files")
    return info


def _snapshot(info: os.stat_result | None) -> tuple[int, int, int, int] | None:
    return None if info is None else (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def guard(
    path: Path, kind: Kind, *, force: bool = False, inputs: Iterable[Path | None] = ()
) -> Target:
    """Check that `path` may be written as a `kind` of file; raise a located error if not."""
    info = _inspect(path)
    real = _follow(path, info)
    if info is not None:
        for source in (p for p in inputs if p is not None):
            with contextlib.suppress(OSError):
                if os.path.samefile(source, real):
                    raise _fail(path, "is one of this command's own input files; "
                                      "write somewhere else")  # fmt: skip
        if not force:
            RECOGNISERS[kind](real, path)
    return Target(real, path, kind, _snapshot(info))


def make_folder(path: Path) -> Path:
    """An output folder: made if missing; a located error if it cannot be."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise _fail(path, "is a file, not a folder; give a folder for the output") from None
    except OSError as exc:
        raise _fail(path, f"cannot make this folder: {exc.strerror}") from None
    return path


def _follow(path: Path, info: os.stat_result | None) -> Path:
    """A symbolic link is followed to the file it names, if that name leads to the same file
    (not through /proc's links to pipes or deleted files)."""
    if not path.is_symlink():
        return path
    real = Path(os.path.realpath(path))
    try:
        same = info is None or _snapshot(os.stat(real)) == _snapshot(info)
    except OSError:
        same = False
    if not same:
        raise _fail(path, "is a link to something that is not a regular file by that name")
    return real


def _head(path: Path, size: int = 4096) -> bytes:
    """The first bytes of a regular file; never blocks on one swapped for a pipe meanwhile."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        return os.read(fd, size) if stat.S_ISREG(os.fstat(fd).st_mode) else b""
    finally:
        os.close(fd)


_QUIET = threading.Lock()
_quiet_readers = 0  # threads reading a PDF now
_loud_level = logging.NOTSET  # pypdf's level before the first of them


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs what it finds odd in a file, quoting its bytes: none of that for the user.
    Its logger is the whole process's: quiet while any thread reads, as it was after the last."""
    global _quiet_readers, _loud_level
    logger = logging.getLogger("pypdf")
    with _QUIET:
        if not _quiet_readers:
            _loud_level = logger.level
            logger.setLevel(logging.CRITICAL + 1)
        _quiet_readers += 1
    try:
        yield
    finally:
        with _QUIET:
            _quiet_readers -= 1
            if not _quiet_readers:
                logger.setLevel(_loud_level)


def _check_pdf(path: Path, shown: Path) -> None:
    """Refuse to replace a PDF that holds someone's answers, or that workbook did not write."""
    if not _head(path, 1024).lstrip().startswith(b"%PDF-"):
        raise _fail(shown, f"this file is not a PDF that workbook wrote{HINT}")
    from pypdf import PdfReader

    try:
        with _quiet_pypdf():
            reader = PdfReader(path)
            if reader.is_encrypted:
                raise _fail(shown, f"this PDF is password-protected, so its answers cannot be "
                                   f"checked{HINT}")  # fmt: skip
            creator = str(reader.metadata.get("/Creator", "")) if reader.metadata else ""
            fields = reader.get_fields() or {}
    except WorkbookError:
        raise
    except Exception:  # pypdf raises many kinds for a damaged file
        raise _fail(shown, f"this file is not a PDF that workbook wrote{HINT}") from None
    if not creator.startswith("workbook"):
        raise _fail(shown, f"this PDF was not written by workbook{HINT}")
    answered = [n for n, f in fields.items() if f.get("/V") not in (None, "", "/Off")]
    if answered:
        names = ", ".join(answered[:3]) + (", …" if len(answered) > 3 else "")
        raise _fail(shown, f"this PDF holds answers in {len(answered)} form field(s) ({names}); "
                           "use --keep-answers to carry them into the new workbook (the old file "
                           "is kept beside it), --force to replace it, or -o to write somewhere "
                           "else")  # fmt: skip


def _check_start(what: str, ours: re.Pattern[bytes] | bytes) -> Callable[[Path, Path], None]:
    def check(path: Path, shown: Path) -> None:
        head = _head(path)
        found = ours.search(head) if isinstance(ours, re.Pattern) else ours in head
        if not found:
            raise _fail(shown, f"this file is not {what} that workbook wrote{HINT}")

    return check


RECOGNISERS: dict[Kind, Callable[[Path, Path], None]] = {
    "pdf": _check_pdf,
    "report": _check_start("a batch report", REPORT_START),
    "manifest": _check_start("a manifest", MANIFEST_START),
    "image": _check_start("a preview image", PNG_SOFTWARE),
    "answers": _check_start("an answers file", ANSWERS_START),
    "html": _check_start("a web workbook", HTML_GENERATOR),
}


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


def _temp_prefix(path: Path) -> str:
    """`.name.` cut to a length that leaves the temporary's own name within the limit."""
    name = os.fsencode(path.name)[:TEMP_NAME_BYTES].decode(errors="ignore")
    return f".{name}."


_NEW_FILE = os.O_RDWR | os.O_CREAT | os.O_EXCL  # a file of our own, never one already there
_NEW_FILE |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _new_temporary(path: Path) -> tuple[int, str]:
    """A new temporary beside `path` (`.name.` and 8 random characters), made with the mode
    any new file gets: the system applies the umask, which reading would mean setting, for
    every thread of the process at once."""
    for _ in range(100):
        tmp = os.path.join(path.parent, f"{_temp_prefix(path)}{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, _NEW_FILE, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free name for a temporary file", str(path.parent))


def remove_stale_temporaries(path: Path) -> None:
    """Remove temporaries of `path` that no running writer holds (a killed run's)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on Windows
        return
    prefix = _temp_prefix(path)
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent):
            if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
                continue
            with contextlib.suppress(OSError):
                fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
                try:
                    if stat.S_ISREG(os.fstat(fd).st_mode):
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if a writer has it
                        os.unlink(entry.path)
                finally:
                    os.close(fd)


def _lock(fd: int) -> None:
    with contextlib.suppress(ImportError, OSError):
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _recheck(target: Target, force: bool) -> None:
    """Just before the rename: if the file changed since it was checked, check it again."""
    info = _inspect(target.path)
    if _snapshot(info) != target.seen and info is not None and not force:
        RECOGNISERS[target.kind](target.path, target.shown)


def write_guarded(data: bytes | Iterable[bytes], target: Target, force: bool = False) -> None:
    """Write the bytes (or chunks of them) to a locked temporary file in the same folder, then
    rename: never a partial file, never a temporary left behind by this run (signals included)."""
    path = target.path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(path)
        fd, tmp = _new_temporary(path)
        ACTIVE_TEMPORARIES.add(tmp)
    except OSError as exc:
        raise _fail(target.shown, f"cannot write here: {exc.strerror}") from None
    try:
        _lock(fd)
        with os.fdopen(fd, "wb") as handle:
            for chunk in [data] if isinstance(data, bytes) else data:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
            _recheck(target, force)
            os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _fail(target.shown, f"cannot write here: {exc.strerror}") from None
        raise
    finally:
        ACTIVE_TEMPORARIES.discard(tmp)


def remove_active_temporaries() -> None:
    """For a signal handler that ends the process at once: remove this run's temporaries
    (files, or folders such as the one `preview` builds a workbook in)."""
    for tmp in list(ACTIVE_TEMPORARIES):
        with contextlib.suppress(OSError):
            if os.path.isdir(tmp):
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                os.unlink(tmp)


def write_file(
    data: bytes, path: Path, kind: Kind, *, force: bool = False,
    inputs: Iterable[Path | None] = (),
) -> None:  # fmt: skip
    """Guard and write in one step, for files that take no time to make."""
    write_guarded(data, guard(path, kind, force=force, inputs=inputs), force)
