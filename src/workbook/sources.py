"""Stage 1, sources: read a YAML file safely and remember where every key and item is; check
an image (the logo) before anything draws it."""

from __future__ import annotations

import re
import warnings
from collections.abc import Hashable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .errors import Location, WorkbookError

MAX_FILE_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 64
MAX_IMAGE_SIDE = 4000  # the limit is MAX_IMAGE_SIDE squared pixels, in any shape
IMAGE_FORMATS = ("PNG", "JPEG")

Key = tuple[str | int, ...]


@dataclass(frozen=True)
class SourceDoc:
    """Parsed YAML data plus the location of every mapping key and sequence item."""

    path: Path | None
    data: Any
    locations: dict[Key, Location] = field(default_factory=dict)

    def locate(self, key: Key) -> Location:
        """The location of the deepest known part of `key` (a pydantic-style loc path); a
        command-line option such as `prepared_by.logo` is known without its parent."""
        best: Key = ()
        for end, part in enumerate(key, 1):
            # skip parts the file does not have (pydantic adds a block's type to its loc)
            for candidate in ((*best, part), key[:end]):
                if candidate in self.locations:
                    best = candidate
                    break
        return self.locations.get(best, Location(self.path, 1, 1))


_LIBYAML = hasattr(yaml, "CSafeLoader")  # PyYAML's wheels ship libyaml: 15 times faster
_SafeLoader: Any = yaml.CSafeLoader if _LIBYAML else yaml.SafeLoader


class _Loader(_SafeLoader):  # type: ignore[misc]
    """The safe loader with YAML 1.2 booleans: only true/false, so `region: NO` (Norway) and
    `answer: yes` stay text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class _Builder:
    """Turns a composed YAML node graph into plain data, with limits on size and depth."""

    def __init__(self, loader: yaml.SafeLoader, path: Path | None) -> None:
        self.loader = loader
        self.path = path
        self.locations: dict[Key, Location] = {}
        self.count = 0

    def where(self, node: yaml.Node) -> Location:
        return Location(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, key: Key) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise WorkbookError.at(
                self.where(node),
                f"the file expands to more than {MAX_NODES:,} values (too many aliases?)",
            )
        if len(key) > MAX_DEPTH:
            raise WorkbookError.at(self.where(node), f"nesting deeper than {MAX_DEPTH} levels")
        self.locations.setdefault(key, self.where(node))
        if isinstance(node, yaml.MappingNode):
            return self.build_mapping(node, key)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*key, i)) for i, item in enumerate(node.value)]
        return self.build_scalar(node)

    def build_scalar(self, node: yaml.Node) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError:
            if node.tag != "tag:yaml.org,2002:timestamp":
                raise
            self.loader.recursive_objects.pop(node, None)  # an alias may name it again
            # a date-shaped value that is no date (2026-02-30) stays text, so the field that
            # expects a date can say so at its own line
            return str(node.value)

    def build_mapping(self, node: yaml.MappingNode, key: Key) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise WorkbookError.at(
                    self.where(key_node), "YAML merge keys (<<) are not supported"
                )
            name = self.loader.construct_object(key_node, deep=True)
            if not isinstance(name, Hashable) or isinstance(name, (list, dict)):
                raise WorkbookError.at(self.where(key_node), "a key must be plain text")
            if name in result:
                raise WorkbookError.at(self.where(key_node), f"duplicate key '{name}'")
            child = (*key, name if isinstance(name, int) else str(name))
            self.locations[child] = self.where(key_node)
            result[name] = self.build(value_node, child)
        return result


def parse_yaml(text: str, path: Path | None = None) -> SourceDoc:
    """Parse YAML text with the safe loader, keeping the location of every key."""
    loader: yaml.SafeLoader | None = None
    try:
        loader = _Loader(text)
        root = loader.get_single_node()
        if root is None:
            return SourceDoc(path, None, {(): Location(path, 1, 1)})
        builder = _Builder(loader, path)
        data = builder.build(root, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        problem = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in problem:  # PyYAML 6.0.4+ stops at depth 1000 itself
            raise WorkbookError.at(where, f"nesting deeper than {MAX_DEPTH} levels") from None
        raise WorkbookError.at(where, f"invalid YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:
        at = exc.position  # libyaml counts UTF-8 bytes, the pure-Python reader characters
        if _LIBYAML:
            at = len(text.encode("utf-8")[:at].decode("utf-8", "ignore"))
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        message = f"invalid character U+{exc.character:04X}; control characters are not allowed"
        raise WorkbookError.at(Location(path, line, column), message) from None
    except yaml.YAMLError as exc:
        raise WorkbookError.at(Location(path), f"invalid YAML: {exc}") from None
    except RecursionError:
        raise WorkbookError.at(Location(path), f"nesting deeper than {MAX_DEPTH} levels") from None
    except (ValueError, OverflowError):  # e.g. an integer with thousands of digits
        raise WorkbookError.at(Location(path), "a number is too long to read") from None
    finally:
        if loader is not None:
            loader.dispose()
    return SourceDoc(path, data, builder.locations)


def read_yaml(path: Path) -> SourceDoc:
    """Read and parse a YAML file, refusing missing, non-regular or oversized files."""
    if not path.exists():
        raise WorkbookError.at(Location(path), "file not found")
    if not path.is_file():
        raise WorkbookError.at(Location(path), "not a regular file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise WorkbookError.at(
            Location(path), f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise WorkbookError.at(Location(path), f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise WorkbookError.at(Location(path), f"cannot read file: {exc.strerror}") from None
    return parse_yaml(text, path)


def image_size(path: Path, where: Location, what: str = "image") -> tuple[int, int]:
    """A PNG or JPEG's width and height, read from its header and checked against the pixel
    limit before anything is decoded; then checked to decode fully, once per file version."""
    width, height = _image_header(path, where, what)
    if width * height > MAX_IMAGE_SIDE**2:
        raise _too_many_pixels(path, where, what, f"{width} by {height}")
    stat = path.stat()
    problem = _decode_problem(path.resolve(), stat.st_mtime_ns, stat.st_size)
    if problem:
        raise WorkbookError.at(
            where, f"the {what} {path} is damaged or cut short ({problem}): save it again"
        )
    return width, height


def _image_header(path: Path, where: Location, what: str) -> tuple[int, int]:
    """Width and height from the header of a PNG or JPEG."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:  # reads the header only
                (width, height), kind = image.size, image.format
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_many_pixels(path, where, what, "more than Pillow opens at all") from None
    except (OSError, ValueError) as exc:  # Pillow's UnidentifiedImageError is an OSError
        message = f"cannot read the {what} {path}: use a PNG or JPEG ({exc})"
        raise WorkbookError.at(where, message) from None
    if kind not in IMAGE_FORMATS:
        message = f"cannot read the {what} {path}: use a PNG or JPEG ({kind} is not supported)"
        raise WorkbookError.at(where, message)
    return int(width), int(height)


def _too_many_pixels(path: Path, where: Location, what: str, size: str) -> WorkbookError:
    return WorkbookError.at(
        where,
        f"the {what} {path} has too many pixels ({size}); the limit is {MAX_IMAGE_SIDE} by "
        f"{MAX_IMAGE_SIDE} ({MAX_IMAGE_SIDE**2:,} pixels in any shape): save a smaller copy",
    )


@lru_cache(maxsize=64)
def _decode_problem(path: Path, mtime_ns: int, size: int) -> str | None:
    """Why an image does not decode to the end, or None. Cached per file version, so a batch
    decodes its logo once; a JPEG decodes at an eighth of its size (its own scaling)."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            if image.format == "JPEG":
                image.draft(None, (max(image.width // 8, 1), max(image.height // 8, 1)))
            image.load()
    except Exception as exc:  # a damaged file fails in many ways: OSError, SyntaxError, zlib
        return str(exc) or type(exc).__name__
    return None
