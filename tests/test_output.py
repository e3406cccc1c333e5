"""The output file: every write is guarded and atomic; nothing is lost, nothing hangs."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from conftest import manifest, write_yaml

CLI = [sys.executable, "-c", "from workbook.cli import run; run()"]


def small(tmp_path: Path, **fields: Any) -> Path:
    return write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"], **fields))


def fillable_with_answers(tmp_path: Path, cli: Any, name: str = "filled.pdf") -> Path:
    path = tmp_path / name
    assert cli("build", small(tmp_path, fillable=True), "-o", path).exit_code == 0
    writer = PdfWriter(clone_from=PdfReader(path))
    for page in writer.pages:
        writer.update_page_form_field_values(
            page, {"i-statements.lines.1.1": "my answer"}, auto_regenerate=False
        )
    writer.write(path)
    return path


def temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_report_never_replaces_a_filled_workbook_or_the_roster(cli: Any, tmp_path: Path) -> None:
    filled = fillable_with_answers(tmp_path, cli)
    before = filled.read_bytes()
    roster = tmp_path / "roster.csv"
    roster.write_text("recipient.name\nAda\n")
    base = small(tmp_path)
    result = cli("batch", roster, "-m", base, "-o", tmp_path / "o", "--report", filled)
    assert result.exit_code == 1
    assert f"{filled}: error: this file is not a batch report that workbook wrote" in result.stderr
    assert filled.read_bytes() == before
    result = cli("batch", roster, "-m", base, "-o", tmp_path / "o", "--report", roster, "--force")
    assert result.exit_code == 1
    assert f"{roster}: error: is one of this command's own input files" in result.stderr
    assert roster.read_text() == "recipient.name\nAda\n"
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").glob("*.pdf"))


def test_answers_saved_while_rendering_are_not_overwritten(
    cli: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """The check runs again just before the rename: answers saved meanwhile are kept."""
    import workbook.build as build_module

    out = tmp_path / "book.pdf"
    assert cli("build", small(tmp_path, fillable=True), "-o", out).exit_code == 0
    render = build_module.render

    def render_while_someone_saves(project: Any) -> Any:
        rendered = render(project)
        writer = PdfWriter(clone_from=PdfReader(out))
        for page in writer.pages:
            writer.update_page_form_field_values(
                page, {"i-statements.lines.1.1": "typed meanwhile"}, auto_regenerate=False
            )
        writer.write(out)
        return rendered

    monkeypatch.setattr(build_module, "render", render_while_someone_saves)
    result = cli("build", small(tmp_path, fillable=True), "-o", out)
    assert result.exit_code == 1 and "this PDF holds answers in 1 form field(s)" in result.stderr
    assert PdfReader(out).get_fields()["i-statements.lines.1.1"]["/V"] == "typed meanwhile"
    assert temporaries(tmp_path) == []


def test_a_killed_writers_temporary_is_removed_by_the_next_build(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "book.pdf"
    stale = tmp_path / ".book.pdf.k1ll3d00.tmp"
    stale.write_bytes(b"%PDF-1.4 half")
    live = tmp_path / ".book.pdf.w0rk1ng0.tmp"
    live.write_bytes(b"")
    with live.open("rb") as holder:  # a writer still at work holds its temporary locked
        fcntl.flock(holder, fcntl.LOCK_EX)
        assert cli("build", small(tmp_path), "-o", out).exit_code == 0
    assert not stale.exists() and live.exists()
    assert len(PdfReader(out).pages) > 3


SPECIAL = ["folder", "fifo", "socket", "device", "link to a pipe", "link to a device"]


def make_special(kind: str, path: Path) -> None:
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(str(path))
    elif kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "link to a pipe":
        path.symlink_to("/proc/self/fd/1")
    else:
        path.symlink_to("/dev/null")


@pytest.mark.parametrize("kind", SPECIAL)
def test_only_a_regular_file_is_ever_replaced(kind: str, tmp_path: Path) -> None:
    """Inspected without opening it, `--force` or not: no hang, no read, no replacement."""
    out = tmp_path / "out.pdf"
    make_special(kind, out)
    before = os.lstat(out)
    command = [*CLI, "build", str(small(tmp_path)), "-o", str(out), "--force"]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=60, stdin=subprocess.PIPE
    )
    assert done.returncode == 1, done.stderr
    assert f"{out}: error: is " in done.stderr and "Traceback" not in done.stderr
    assert os.lstat(out).st_ino == before.st_ino and os.lstat(out).st_mode == before.st_mode
    assert temporaries(tmp_path) == []


def test_a_link_to_a_workbook_is_written_through_quietly(cli: Any, tmp_path: Path) -> None:
    real = tmp_path / "real.pdf"
    link = tmp_path / "link.pdf"
    assert cli("build", small(tmp_path), "-o", real).exit_code == 0
    link.symlink_to(real)
    result = cli("build", small(tmp_path, title="Again"), "-o", link)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and PdfReader(real).metadata.title == "Again"
    text = tmp_path / "notes.txt"
    text.write_text("dear diary " * 50)
    other = tmp_path / "other.pdf"
    other.symlink_to(text)
    result = cli("build", small(tmp_path), "-o", other)
    assert result.exit_code == 1 and result.stderr == (
        f"{other}: error: this file is not a PDF that workbook wrote; use --force to replace it,"
        " or -o to write somewhere else\n"
    )


def test_long_names(cli: Any, tmp_path: Path) -> None:
    legal = tmp_path / ("n" * 246 + ".pdf")  # 250 bytes: legal, though its temporary's would not be
    assert cli("build", small(tmp_path), "-o", legal).exit_code == 0
    assert len(PdfReader(legal).pages) > 3
    too_long = tmp_path / ("n" * 296 + ".pdf")
    result = cli("build", small(tmp_path), "-o", too_long)
    assert result.exit_code == 1
    assert f"{too_long}: error: the file name is too long (300 bytes; at most 255)" in result.stderr


def test_empty_password_is_an_error(cli: Any, tmp_path: Path) -> None:
    result = cli("build", small(tmp_path), "-o", tmp_path / "x.pdf", "--password", "")
    assert result.exit_code == 1 and "the password is empty" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_a_full_standard_output(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        for args in (["list"], ["show", "i-statements"], ["list", "--json"], ["schema"]):
            done = subprocess.run([*CLI, *args], stdout=full, stderr=subprocess.PIPE, text=True)
            assert done.returncode == 1, args
            assert (
                done.stderr == "error: cannot write to standard output: No space left on device\n"
            )
        out = tmp_path / "x.pdf"
        command = [*CLI, "build", str(small(tmp_path)), "-o", str(out)]
        done = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True)
    assert (done.returncode, done.stderr) == (0, "")  # the workbook is written: a success
    assert len(PdfReader(out).pages) > 3


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    signals=st.lists(
        st.tuples(st.sampled_from([signal.SIGTERM, signal.SIGKILL]), st.floats(0.2, 1.2)),
        min_size=1, max_size=3,
    ),
)  # fmt: skip
def test_a_build_killed_midway_leaves_a_whole_file_or_none(
    tmp_path_factory: Any, signals: list[tuple[int, float]]
) -> None:
    """Whenever the signal lands: the old file or a new whole one; no temporary after a
    SIGTERM, and none after the next build whatever happened."""
    tmp_path = tmp_path_factory.mktemp("build")
    out = tmp_path / "book.pdf"
    data = manifest(worksheets=["i-statements", "boundary-planning", "objection-handling"])
    path = write_yaml(tmp_path / "m.yaml", data)
    for signal_number, delay in signals:
        process = subprocess.Popen([*CLI, "build", str(path), "-o", str(out)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
        time.sleep(delay)
        process.send_signal(signal_number)
        _, stderr = process.communicate(timeout=60)
        assert b"Traceback" not in stderr
        if out.exists():
            assert len(PdfReader(out).pages) > 5
        if signal_number == signal.SIGTERM:
            assert temporaries(tmp_path) == []
    done = subprocess.run([*CLI, "build", str(path), "-o", str(out)], capture_output=True)
    assert done.returncode == 0 and temporaries(tmp_path) == []


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(["nothing", "workbook", "answers", "foreign", "text", *SPECIAL]),
    name_bytes=st.sampled_from([5, 120, 250, 251, 256, 400]),
    force=st.booleans(),
    through_link=st.booleans(),
)
def test_any_output_path_is_written_whole_or_refused_cleanly(
    tmp_path_factory: Any, kind: str, name_bytes: int, force: bool, through_link: bool
) -> None:
    """The guard itself, over many kinds of path: either a whole new file of ours is there
    afterwards, or a located error and the path untouched; never a temporary left."""
    from workbook.errors import WorkbookError
    from workbook.output import guard, write_guarded

    folder = tmp_path_factory.mktemp("out")
    name = "é" * ((name_bytes - 4) // 2) + "x" * ((name_bytes - 4) % 2) + ".pdf"
    path = folder / name
    real = folder / "real.pdf" if through_link else path
    if through_link:
        path = folder / "link.pdf"
        path.symlink_to(real)
    ours = b"%PDF-1.4 workbook"
    try:
        if kind in SPECIAL:
            make_special(kind, real)
        elif kind != "nothing":
            write_kind(kind, real)
    except OSError:
        return  # the name is too long for this file system to hold at all
    before = snapshot(real)
    try:
        write_guarded(ours, guard(path, "pdf", force=force), force)
    except WorkbookError as exc:
        assert exc.diagnostics[0].location.file == path
        assert snapshot(real) == before
    else:
        assert real.read_bytes() == ours
        assert kind in {"nothing", "workbook"} or (force and kind in {"answers", "foreign", "text"})
    assert [p for p in os.listdir(folder) if p.endswith(".tmp")] == []


def write_kind(kind: str, path: Path) -> None:
    if kind == "text":
        path.write_text("notes")
        return
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_metadata({"/Creator": "someone else" if kind == "foreign" else "workbook 0.1"})
    if kind == "answers":
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

        field = DictionaryObject({NameObject("/FT"): NameObject("/Tx"),
                                  NameObject("/T"): TextStringObject("a"),
                                  NameObject("/V"): TextStringObject("x")})  # fmt: skip
        form = DictionaryObject({NameObject("/Fields"): ArrayObject([writer._add_object(field)])})
        writer._root_object[NameObject("/AcroForm")] = form
    writer.write(path)


def snapshot(path: Path) -> tuple[Any, ...] | None:
    try:
        info = os.lstat(path)
    except (FileNotFoundError, OSError):
        return None
    return (info.st_ino, info.st_mode, info.st_size, info.st_mtime_ns)


def test_report_kinds_are_recognised(tmp_path: Path) -> None:
    from workbook.errors import WorkbookError
    from workbook.output import write_file

    report = tmp_path / "r.json"
    report.write_text(json.dumps({"rows": [], "ok": 0, "failed": 0}, indent=2))  # an older report
    write_file(b'{"generator": "workbook 0.1.0", "rows": []}', report, "report")
    report.write_text('[{"recipient.name": "Ada"}]')  # a JSON roster
    with pytest.raises(WorkbookError, match="not a batch report"):
        write_file(b"{}", report, "report")
    manifest_path = tmp_path / "m.yaml"
    manifest_path.write_text("worksheets: [i-statements]\n")
    with pytest.raises(WorkbookError, match="not a manifest that workbook wrote"):
        write_file(b"x", manifest_path, "manifest")


def test_a_preview_stopped_midway_leaves_no_workbook_in_the_temporary_folder(
    tmp_path: Path,
) -> None:
    """`preview` builds the workbook (names and all) in a temporary folder: a signal at any
    moment removes it."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    data = manifest(worksheets=["i-statements", "boundary-planning", "objection-handling"])
    path = write_yaml(tmp_path / "m.yaml", data)
    env = {**os.environ, "TMPDIR": str(temporary)}
    for delay in (0.4, 0.7, 1.0):
        process = subprocess.Popen([*CLI, "preview", str(path), "-o", str(tmp_path / "png")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)  # fmt: skip
        time.sleep(delay)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
        assert b"Traceback" not in stderr
        assert list(temporary.iterdir()) == []


def test_building_over_a_password_protected_workbook(cli: Any, tmp_path: Path) -> None:
    """Its answers cannot be read without the password, so it is kept unless --force."""
    out = tmp_path / "locked.pdf"
    assert cli("build", small(tmp_path), "-o", out, "--password", "s3cret").exit_code == 0
    before = out.read_bytes()
    for again in ([], ["--password", "s3cret"]):
        result = cli("build", small(tmp_path), "-o", out, *again)
        assert result.exit_code == 1
        assert result.stderr == (
            f"{out}: error: this PDF is password-protected, so its answers cannot be checked; "
            "use --force to replace it, or -o to write somewhere else\n"
        )
        assert out.read_bytes() == before and temporaries(tmp_path) == []
    assert cli("build", small(tmp_path), "-o", out, "--force").exit_code == 0
    assert not PdfReader(out).is_encrypted


def test_a_write_that_fails_midway_keeps_the_old_file_and_no_temporary(
    cli: Any, tmp_path: Path
) -> None:
    """As on a full disk: the file system refuses the bytes part way through (a limit on file
    size stands in for a full disk here). The message says so at the output's path, the
    workbook already there is untouched and the temporary is gone."""
    out = tmp_path / "book.pdf"
    assert cli("build", small(tmp_path), "-o", out).exit_code == 0
    before = out.read_bytes()
    limited = (
        "import resource, signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({len(before) // 2}, "
        "resource.getrlimit(resource.RLIMIT_FSIZE)[1])); from workbook.cli import run; run()"
    )
    command = [sys.executable, "-c", limited, "build", str(small(tmp_path)), "-o", str(out)]
    done = subprocess.run(command, capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})  # fmt: skip
    assert (done.returncode, done.stderr) == (
        1,
        f"{out}: error: cannot write here: File too large\n",
    )
    assert out.read_bytes() == before and temporaries(tmp_path) == []


def test_a_writer_whose_bytes_fail_midway_leaves_no_temporary(tmp_path: Path) -> None:
    """A report is written in chunks as they are made: when making one fails, the error goes
    on up, the file already there is untouched and the temporary is gone."""
    from workbook.output import guard, write_guarded

    report = tmp_path / "report.json"
    report.write_text('{"generator": "workbook 0.1.0", "rows": []}')
    before = report.read_bytes()

    def chunks() -> Any:
        yield b'{"generator": "workbook 0.1.0", "rows": ['
        raise RuntimeError("the journal could not be read")

    with pytest.raises(RuntimeError, match="the journal could not be read"):
        write_guarded(chunks(), guard(report, "report"))
    assert report.read_bytes() == before and temporaries(tmp_path) == []
