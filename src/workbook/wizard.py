"""`workbook init`: a few friendly questions, a manifest the user can keep, and a first build."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import textwrap
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import typer
import yaml

from .errors import Diagnostic, WorkbookError
from .library import available, load, search_dirs
from .locale import SUPPORTED_LANGUAGES, crisis_contacts, strings
from .models import REGION_ALIASES, RELATIONSHIPS, relationship_for
from .output import guard, write_file

SUPPORTER_TOPICS = ["understanding-resistance", "objection-handling", "i-statements",
                    "conversation-plan", "boundary-planning", "self-care-and-hope"]  # fmt: skip
SELF_TOPICS = ["therapist-matching", "my-resistance", "is-therapy-working"]
READING_ORDER = [*SUPPORTER_TOPICS[:4], "support-not-enabling", *SUPPORTER_TOPICS[4:], *SELF_TOPICS]
SUMMARY_WIDTH = 90
# Where Letter paper is the usual size; A4 is suggested everywhere else.
LETTER_REGIONS = {"US", "CA", "MX", "CL", "CO", "VE", "PH", "CR", "GT", "DO", "PR"}
LANGUAGE_WORDS = {"english": "en", "inglés": "en", "ingles": "en",
                  "spanish": "es", "español": "es", "espanol": "es"}  # fmt: skip
OTHER_WORDS = {"other", "otro", "otra"}


@dataclass
class Answers:
    title: str | None = None
    name: str | None = None
    loved_one: str | None = None
    relationship: str | None = None
    topics: list[str] = field(default_factory=list)
    language: str | None = None
    page_size: str | None = None
    large_print: bool = False
    region: str | None = None


@dataclass
class Prompter:
    """Speaks the person's language (the locale files' `wizard` texts); with no one to ask,
    every question takes its default."""

    interactive: bool
    language: str = "en"

    def words(self, key: str) -> Any:
        return strings(self.language)["wizard"][key]

    def text(self, key: str, **values: object) -> str:
        return str(self.words(key)).format(**values)

    def say(self, key: str, **values: object) -> None:
        typer.echo(_wrapped(self.text(key, **values)))

    def ask(self, key: str, default: str = "", *, show: bool = True, **values: object) -> str:
        if not self.interactive:
            return default
        room = len(f" [{default}]: ") if show and default else 2  # the default stays on the line
        question = _wrapped(self.text(key, **values), room)
        return str(typer.prompt(question, default=default, show_default=show)).strip()

    def confirm(self, key: str, default: bool = False, **values: object) -> bool:
        """Yes or no in the person's language (y/n, s/n); Enter for the default."""
        if not self.interactive:
            return default
        yes, no = self.words("yes_words"), self.words("no_words")
        hint = f"[{yes[0].upper()}/{no[0]}]" if default else f"[{yes[0]}/{no[0].upper()}]"
        while True:
            question = _wrapped(f"{self.text(key, **values)} {hint}")
            reply = str(typer.prompt(question, default="", show_default=False)).strip().lower()
            if not reply or reply in yes or reply in no:
                return default if not reply else reply in yes
            self.say("yes_no_retry")


def _wrapped(text: str, room: int = 0) -> str:
    """Lines that fit the terminal, with `room` left on the last one (for a prompt's default)."""
    width = max(min(shutil.get_terminal_size().columns, 100) - 1 - room, 30)
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)


def _plain(word: str) -> str:
    """Lower case without accents, for matching what people type: 'México' -> 'mexico'."""
    decomposed = unicodedata.normalize("NFD", word.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _environment_locale() -> tuple[str, str]:
    """The terminal's language and country (LANG=es_MX.UTF-8 -> es, MX), for suggestions."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := os.environ.get(name):
            match = re.match(r"([a-z]{2})(?:_([A-Z]{2}))?", value)
            return (match[1], match[2] or "") if match else ("", "")
    return "", ""


def _language(word: str) -> str | None:
    word = word.strip().lower()
    return word if word in SUPPORTED_LANGUAGES else LANGUAGE_WORDS.get(word)


def _region_code(text: str) -> str | None:
    """A two-letter country code as written in the manifest (UK -> GB), or None."""
    code = text.strip().upper()
    return REGION_ALIASES.get(code, code) if re.fullmatch("[A-Z]{2}", code) else None


def check_options(answers: Answers) -> None:
    """What came on the command line, checked before any question is asked."""
    if answers.language is not None:
        answers.language = _language(answers.language) or answers.language
        strings(answers.language)  # an unsupported one is an error that lists the supported
    if answers.relationship is not None:
        answers.relationship = relationship_for(answers.relationship) or _refuse(
            f"--relationship '{answers.relationship}': use {', '.join(RELATIONSHIPS)}, "
            "or a word such as mother, wife, hermano or hija")  # fmt: skip
    if answers.region is not None:
        answers.region = _region_code(answers.region) or _refuse(
            f"--region '{answers.region}': give a two-letter country code such as US or GB"
        )
    if answers.page_size is not None:
        answers.page_size = answers.page_size.strip().lower()
        if answers.page_size not in ("letter", "a4"):
            _refuse(f"--page-size '{answers.page_size}': use letter or a4")


def _refuse(message: str) -> NoReturn:
    raise WorkbookError(message)


def ask_language(answers: Answers, p: Prompter) -> None:
    """Asked first, in both languages; the wizard speaks the chosen one from then on."""
    default = _environment_locale()[0] if p.interactive else "en"
    default = default if default in SUPPORTED_LANGUAGES else "en"
    while answers.language is None:
        answers.language = _language(p.ask("language", default=default))
        if answers.language is None:
            p.say("language_retry")
    p.language = answers.language


def choose_manifest(manifest: Path, p: Prompter) -> tuple[Path, bool]:
    """Where the answers will go, settled before the questions: replace the file that is
    there, or give another name. Returns the path and whether to replace it."""
    while manifest.exists():
        if not p.interactive:
            raise WorkbookError(f"{manifest} already exists; choose another file with "
                                "--manifest, or move this one out of the way first")  # fmt: skip
        if p.confirm("exists", path=manifest):
            guard(manifest, "manifest", force=True)  # never a folder or a device
            return manifest, True
        manifest = Path(p.ask("other_file", default=str(_free_name(manifest))))
    return manifest, False


def _free_name(path: Path) -> Path:
    number = 2
    while (candidate := path.with_name(f"{path.stem}-{number}{path.suffix}")).exists():
        number += 1
    return candidate


def suggested_topics(answers: Answers, known: list[str]) -> list[str]:
    """A sensible default set: for helping someone, or for oneself."""
    topics = SUPPORTER_TOPICS if answers.loved_one else SELF_TOPICS
    return [t for t in topics if t in known]


def manifest_data(answers: Answers, today: dt.date) -> dict[str, object]:
    data: dict[str, object] = {"workbook": 1}
    if answers.title:
        data["title"] = answers.title
    if answers.name:
        data["recipient"] = {"name": answers.name}
    if answers.loved_one:
        data["loved_one"] = {
            "name": answers.loved_one,
            "relationship": answers.relationship or "other",
        }
    data |= {"date": today, "language": answers.language or "en", "region": answers.region or "US",
             "page_size": answers.page_size or "letter",
             "theme": "large-print" if answers.large_print else "default",
             "worksheets": answers.topics}  # fmt: skip
    return data


def write_manifest(data: dict[str, object], path: Path, force: bool = False) -> None:
    """The answers as YAML under a comment, in the manifest's language, on how to use it.
    The English comment is what it always was: its first line is how `output.guard` knows a
    manifest that workbook wrote (output.MANIFEST_START)."""
    words = strings(str(data.get("language") or "en"))["wizard"]["manifest_header"]
    lines = str(words).format(path=path).splitlines()  # a line break in the path stays in a comment
    header = "".join(f"# {line}\n" for line in lines)
    text = header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    write_file(text.encode(), path, "manifest", force=force)


def parse_topics(reply: str, ids: list[str]) -> tuple[list[str], list[str]]:
    """'1-4, 7', '1 3 5' or ids -> (the chosen ids in order, the words that name none)."""
    reply = re.sub(r"([0-9])\s*[-\u2013]\s*([0-9])", r"\1-\2", reply)  # a hyphen or an en dash
    chosen: list[str] = []
    unknown: list[str] = []
    for part in reply.replace(",", " ").split():
        match = re.fullmatch(r"([0-9]+)(?:-([0-9]+))?", part)
        low, high = sorted((int(match[1]), int(match[2] or match[1]))) if match else (0, 0)
        if part in ids:
            chosen.append(part)
        elif low >= 1 and high <= len(ids):
            chosen += ids[low - 1 : high]
        else:
            unknown.append(part)
    return list(dict.fromkeys(chosen)), unknown


def _as_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 4, 6, 7] -> '1-4, 6, 7': runs of three or more as ranges."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [[f"{r[0]}-{r[-1]}"] if len(r) > 2 else [str(n) for n in r] for r in runs]
    return ", ".join(part for run in parts for part in run)


def _choose_topics(known: dict[str, str], suggested: list[str], p: Prompter) -> list[str]:
    """Show the library numbered, with summaries; accept numbers, ranges or ids."""
    order = {worksheet_id: i for i, worksheet_id in enumerate(READING_ORDER)}
    ids = sorted(known, key=lambda i: (order.get(i, len(order)), i))
    typer.echo("")
    p.say("topics_title")
    for number, worksheet_id in enumerate(ids, start=1):
        mark = "*" if worksheet_id in suggested else " "
        line = known[worksheet_id]
        line = line if len(line) <= SUMMARY_WIDTH else line[: SUMMARY_WIDTH - 1].rstrip() + "…"
        typer.echo(f" {mark}{number:>2}. {line}")
    default = _as_ranges([ids.index(t) + 1 for t in suggested])
    while True:
        chosen, unknown = parse_topics(p.ask("topics", default=default), ids)
        if chosen and not unknown:
            return chosen
        not_one = p.text("topics_not_one", word=unknown[0]) if unknown else ""
        typer.echo(p.text("topics_retry", count=len(ids)) + not_one + ".")


def _ask_relationship(answers: Answers, p: Prompter) -> None:
    """Everyday words work (mother, madre, hermano/a); asked only about someone named."""
    while answers.loved_one and answers.relationship is None:
        default = p.text("relationship_default")
        reply = p.ask("relationship", default=default, name=answers.loved_one)
        answers.relationship = relationship_for(reply.split("/")[0])
        if answers.relationship is None:
            p.say("relationship_retry")


def _listed_countries(p: Prompter) -> list[str]:
    """The countries with their own crisis list, by name in the person's language."""
    names: dict[str, str] = p.words("countries")
    listed = [code for code in names if crisis_contacts(code) is not None]
    return sorted(listed, key=lambda code: _plain(names[code]))


def _show_in_columns(entries: list[str]) -> None:
    rows = (len(entries) + 1) // 2
    width = max(len(entry) for entry in entries[:rows]) + 8
    for row in range(rows):
        left = f"{row + 1:>3}. {entries[row]}"
        right = f"{row + rows + 1:>3}. {entries[row + rows]}" if row + rows < len(entries) else ""
        typer.echo(f"{left:<{width}}{right}".rstrip())


def _ask_region(p: Prompter) -> str:
    """A numbered list of the countries with crisis lists, 'other' for a code, or a code or
    a country's name typed straight away."""
    names: dict[str, str] = p.words("countries")
    listed = _listed_countries(p)
    p.say("countries_title")
    _show_in_columns([f"{names[code]} ({code})" for code in listed] + [p.text("country_other")])
    by_name = {_plain(name): code for lang in SUPPORTED_LANGUAGES
               for code, name in strings(lang)["wizard"]["countries"].items()}  # fmt: skip
    default = _region_code(_environment_locale()[1]) or "US"
    while True:
        reply = p.ask("country", default=default)
        if reply.isdigit() and 1 <= int(reply) <= len(listed):
            return listed[int(reply) - 1]
        if reply == str(len(listed) + 1) or _plain(reply) in OTHER_WORDS:
            reply = p.ask("country_code", show=False)
        if code := _region_code(reply) or by_name.get(_plain(reply)):
            return code
        p.say("country_retry", count=len(listed) + 1)


def say_crisis_page(region: str, p: Prompter) -> None:
    """One sentence on what the workbook's crisis page will say for this country."""
    contacts = crisis_contacts(region)
    if not contacts or not contacts.get("lines"):
        p.say("crisis_generic", region=region)
        return
    line = contacts["lines"][0]
    contact = _in(line["contact"], p.language)
    p.say("crisis_listed", emergency=_in(contacts["emergency"], p.language),
          line=_in(line["name"], p.language), contact=contact[:1].lower() + contact[1:])  # fmt: skip


def _in(value: str | dict[str, str], language: str) -> str:
    return value if isinstance(value, str) else value[language]


def _known_topics(language: str) -> dict[str, str]:
    paths = available(language, search_dirs([]))
    sheets = {worksheet_id: load(path).sheet for worksheet_id, path in paths.items()}
    return {i: f"{s.title} — {' '.join(s.summary.split())}" for i, s in sheets.items()}


def _ask_paper(answers: Answers, p: Prompter) -> None:
    default = "letter" if answers.region in LETTER_REGIONS else "a4"
    words: dict[str, str] = p.words("paper_words")
    shown = next(word for word, size in words.items() if size == default)
    while answers.page_size is None:
        answers.page_size = words.get(p.ask("paper", default=shown).lower())
        if answers.page_size is None:
            p.say("paper_retry")


def ask_questions(answers: Answers, p: Prompter) -> Answers:
    """Fill in what the options left open, asking only when there is someone to ask."""
    known = _known_topics(p.language)
    unknown = [t for t in answers.topics if t not in known]
    if unknown:
        raise WorkbookError(f"unknown topic '{unknown[0]}'; run 'workbook list' to see them all")
    if answers.title is None:
        default_title = str(strings(p.language)["default_title"])
        answers.title = p.ask("title", default=default_title) or None
    if answers.name is None:
        answers.name = p.ask("name", show=False) or None
    if answers.loved_one is None:
        answers.loved_one = p.ask("loved_one", show=False) or None
    _ask_relationship(answers, p)
    if answers.region is None:
        answers.region = _ask_region(p) if p.interactive else "US"
    say_crisis_page(answers.region, p)
    if not answers.topics:
        suggested = suggested_topics(answers, list(known))
        answers.topics = _choose_topics(known, suggested, p) if p.interactive else suggested
    _ask_paper(answers, p)
    if p.interactive and not answers.large_print:
        answers.large_print = p.confirm("large_print")
    return answers


def run_wizard(
    answers: Answers, manifest: Path, interactive: bool, build_now: bool
) -> list[Diagnostic]:
    """Ask, write the manifest, and build it if wanted; return the build's warnings."""
    from .build import build
    from .project import BuildOptions

    p = Prompter(interactive)
    check_options(answers)
    ask_language(answers, p)
    if interactive:
        p.say("intro")
    manifest, replace = choose_manifest(manifest, p)
    answers = ask_questions(answers, p)
    write_manifest(manifest_data(answers, dt.date.today()), manifest, force=replace)
    p.say("saved", path=manifest)
    if not (build_now and p.confirm("build_now", default=True)):
        p.say("later", path=manifest)
        return []
    result = build(BuildOptions(manifest=manifest))
    where = result.path.resolve() if result.path else result.path
    p.say("ready", path=where, pages=result.pages)
    return result.warnings
