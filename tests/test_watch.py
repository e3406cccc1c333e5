"""`workbook build --watch`, from the outside: a real process rebuilds after each edit, prints a
mistake as a normal build would and goes on, and ends cleanly on Ctrl-C."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from pypdf import PdfReader

from conftest import manifest, worksheet, write_yaml
from workbook.project import BuildOptions
from workbook.watch import changed, snapshot, sources

WAIT = 60.0  # seconds for one build, generous for a busy CI machine


class Watcher:
    """`workbook build --watch` in a process of its own, its output read line by line."""

    def __init__(self, *args: str | Path) -> None:
        command = [sys.executable, "-m", "workbook.cli", "build", *map(str, args), "--watch"]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)  # fmt: skip
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.stderr: list[str] = []
        self.readers = [
            threading.Thread(target=self._read, args=(name, stream), daemon=True)
            for name, stream in (("out", self.process.stdout), ("err", self.process.stderr))
        ]
        for reader in self.readers:
            reader.start()

    def interrupt(self) -> int:
        """Ctrl-C; the exit code, once the process and its output have ended."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=WAIT)
        for reader in self.readers:
            reader.join(timeout=WAIT)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        return code

    def _read(self, name: str, stream: IO[str] | None) -> None:
        assert stream is not None
        for line in stream:
            self.lines.put((name, line.rstrip("\n")))

    def next_line(self, start: str, stream: str = "out") -> str:
        """The next line on `stream` starting with `start` (earlier lines are skipped)."""
        deadline = time.monotonic() + WAIT
        while (left := deadline - time.monotonic()) > 0:
            try:
                name, line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            if name == "err":
                self.stderr.append(line)
            if name == stream and line.startswith(start):
                return line
        raise AssertionError(f"no line starting {start!r} on std{stream}; stderr: {self.stderr}")


def text_of(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(path).pages).split())


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a file so that its modification time surely changes."""
    before = path.stat().st_mtime_ns
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    while path.stat().st_mtime_ns == before:  # a file system with coarse times
        time.sleep(0.05)
        path.touch()


def test_watch_rebuilds_reports_mistakes_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    sheets = tmp_path / "sheets"
    sheet = write_yaml(sheets / "mine.yaml", worksheet(
        blocks=[{"type": "heading", "text": "First heading"}, {"type": "paragraph", "text": "Hello."}]
    ))  # fmt: skip
    book = write_yaml(tmp_path / "m.yaml", manifest(title="Qwerty first", worksheets=["mine"],
                                                    worksheets_dirs=["sheets"], crisis_page=False))  # fmt: skip
    out = tmp_path / "out.pdf"
    watcher = Watcher(book, "-o", out)
    try:
        assert watcher.next_line("wrote ").startswith(f"wrote {out} (")
        assert "First heading" in text_of(out) and "Qwerty first" in text_of(out)

        edit(sheet, "First heading", "Second heading")
        watcher.next_line("wrote ")
        assert "Second heading" in text_of(out)

        edit(book, "title: Qwerty first", "title: Qwerty second")
        watcher.next_line("wrote ")
        assert "Qwerty second" in text_of(out) and "Qwerty first" not in text_of(out)

        edit(sheet, "type: heading", "type: headline")  # a mistake: an unknown block type
        shown = watcher.next_line(f"{sheet}:", stream="err")
        time.sleep(0.5)
        assert watcher.process.poll() is None  # still watching
        once = subprocess.run([sys.executable, "-m", "workbook.cli", "build", str(book), "-o",
                               str(tmp_path / "once.pdf")], capture_output=True, text=True)  # fmt: skip
        assert (
            once.returncode == 1 and shown in once.stderr.splitlines()
        )  # as a plain build says it
        assert not any("Traceback" in line for line in watcher.stderr)

        edit(sheet, "type: headline", "type: heading")
        watcher.next_line("wrote ")
        assert "Second heading" in text_of(out)
    finally:
        code = watcher.interrupt()
    assert code == 0
    assert watcher.next_line("stopped watching")
    assert not any("Traceback" in line for line in watcher.stderr)


def test_sources_are_the_manifest_its_folders_theme_and_logo(tmp_path: Path) -> None:
    write_yaml(tmp_path / "sheets" / "en" / "a.yaml", worksheet("a"))
    write_yaml(tmp_path / "mine" / "b.yml", worksheet("b"))
    write_yaml(tmp_path / "themes" / "calm.yaml", {"extends": "default"})
    write_yaml(tmp_path / "themes" / "base.yaml", {"extends": "default"})
    book = write_yaml(tmp_path / "m.yaml", manifest(
        worksheets_dirs=["sheets"], theme="themes/calm.yaml", prepared_by={"logo": "logo.png"}))  # fmt: skip
    found = set(sources(BuildOptions(manifest=book, worksheet_dirs=(tmp_path / "mine",))))
    assert {book, tmp_path / "sheets/en/a.yaml", tmp_path / "mine/b.yml",
            tmp_path / "themes/calm.yaml", tmp_path / "themes/base.yaml",
            tmp_path / "logo.png"} <= found  # fmt: skip
    assert not any(p.suffix == ".pdf" for p in found)  # the output never starts a build


def test_changed_names_edited_added_and_removed_files(tmp_path: Path) -> None:
    a, b, c = (write_yaml(tmp_path / f"{n}.yaml", {"n": n}) for n in "abc")
    before = snapshot([a, b])
    edit(a, "n: a", "n: z")
    b.unlink()
    assert changed(before, snapshot([a, b, c])) == [a, b, c]
    assert changed(before, before) == []


def test_watch_without_a_manifest_or_worksheet_is_a_usage_error(cli: Any) -> None:
    result = cli("build", "--watch")
    assert result.exit_code == 2
    assert "give a manifest file or at least one --worksheet ID" in result.stderr
    assert "watching" not in result.stdout


def test_watch_does_not_keep_answers_on_every_save(cli: Any, tmp_path: Path) -> None:
    result = cli("build", "-w", "i-statements", "-o", tmp_path / "a.pdf", "--keep-answers",
                 "--watch")  # fmt: skip
    assert result.exit_code == 2
    assert "build once with --keep-answers, then --watch without it" in result.stderr
    assert not (tmp_path / "a.pdf").exists()
