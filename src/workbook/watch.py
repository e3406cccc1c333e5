"""Watching (`build --watch`): build again, in one warm process, whenever a file the workbook
is made from changes.

The files are polled (their modification time and size), so nothing beyond the standard
library is needed and every file system works: the manifest, the YAML files in the worksheet
folders (`--worksheets`, `worksheets_dirs:` and the built-in library), the theme file's folder
(its `extends:` parents beside it), the logo and an answers file. A change is built once the
files hold still (an editor that saves in several steps gives one build). The caller prints:
this module never does.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import WorkbookError
from .library import builtin_dir
from .project import BuildOptions, manifest_source
from .theme import BUILTIN_THEMES

POLL_SECONDS = 0.3  # how often the files are looked at
SETTLE_SECONDS = 0.1  # a change is built once two looks this far apart agree
YAML = ("*.yaml", "*.yml")

Stamp = tuple[int, int] | None  # (modification time in ns, size), None for a missing file
Snapshot = dict[Path, Stamp]


def sources(options: BuildOptions) -> list[Path]:
    """The files a build of these options reads that a person may edit, as they stand now (a
    manifest that names another folder or theme is watched for that one from then on)."""
    files = [options.manifest] if options.manifest is not None else []
    folders = [*options.worksheet_dirs, builtin_dir()]
    try:
        doc = manifest_source(options)
    except WorkbookError:  # a manifest that does not read: its own changes are still seen
        doc = None
    if doc is not None and isinstance(doc.data, dict):
        base = doc.path.parent if doc.path else Path.cwd()
        data: dict[str, Any] = doc.data
        folders += [base / str(d) for d in _strings(data.get("worksheets_dirs"))]
        theme = str(data.get("theme") or "")
        if theme and theme not in BUILTIN_THEMES:
            folders.append((base / theme).parent)
        prepared = data.get("prepared_by")
        if isinstance(prepared, dict) and prepared.get("logo"):
            files.append(base / str(prepared["logo"]))
    if options.answers is not None:
        files.append(options.answers)
    return sorted({*files, *_yaml_in(folders)})


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _yaml_in(folders: Iterable[Path]) -> Iterator[Path]:
    """The YAML files in each folder and in its subfolders one level down (per language)."""
    for folder in folders:
        for pattern in YAML:
            yield from folder.glob(pattern)
            yield from folder.glob(f"*/{pattern}")


def snapshot(paths: Iterable[Path]) -> Snapshot:
    found: Snapshot = {}
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            found[path] = None
            continue
        found[path] = (info.st_mtime_ns, info.st_size)
    return found


def changed(before: Snapshot, after: Snapshot) -> list[Path]:
    """The files added, removed or edited between two snapshots."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


class Stop:
    """A request to stop, made from a signal handler: a plain flag, so that the handler never
    waits for a lock the loop it interrupted holds (as a threading.Event's could)."""

    def __init__(self) -> None:
        self.asked = False

    def set(self) -> None:
        self.asked = True

    def wait(self, seconds: float) -> bool:
        """Sleep unless asked to stop; whether it has been asked."""
        if not self.asked:
            time.sleep(seconds)
        return self.asked


def watch(
    options: BuildOptions,
    build: Callable[[], None],
    stop: Stop,
    on_change: Callable[[list[Path]], None] = lambda paths: None,
    poll: float = POLL_SECONDS,
) -> None:
    """Build now, then again after every change, until `stop` is set. `build` reports its own
    errors and returns: a mistake in a worksheet is shown and the watch goes on."""
    seen = snapshot(sources(options))
    build()
    while not stop.wait(poll):
        now = snapshot(sources(options))
        if now == seen:
            continue
        while not stop.wait(SETTLE_SECONDS):  # until the files hold still
            later = snapshot(sources(options))
            if later == now:
                break
            now = later
        if stop.asked:
            return
        on_change(changed(seen, now))
        seen = now
        build()
