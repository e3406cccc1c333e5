"""`workbook init`: a few friendly questions, a manifest the user can keep, and a first build."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import typer
import yaml

from .errors import Diagnostic, WorkbookError
from .library import available, load, search_dirs
from .locale import SUPPORTED_LANGUAGES
from .models import RELATIONSHIPS
from .output import write_file

SUPPORTER_TOPICS = ["understanding-resistance", "objection-handling", "i-statements",
                    "conversation-plan", "boundary-planning", "self-care-and-hope"]  # fmt: skip
SELF_TOPICS = ["therapist-matching", "my-resistance", "is-therapy-working"]
READING_ORDER = [*SUPPORTER_TOPICS[:4], "support-not-enabling", *SUPPORTER_TOPICS[4:], *SELF_TOPICS]
SUMMARY_WIDTH = 90


@dataclass
class Answers:
    title: str | None = None
    name: str | None = None
    loved_one: str | None = None
    relationship: str | None = None
    topics: list[str] = field(default_factory=list)
    language: str = "en"
    page_size: str = "letter"
    large_print: bool = False


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
    data |= {"date": today, "language": answers.language, "page_size": answers.page_size,
             "theme": "large-print" if answers.large_print else "default",
             "worksheets": answers.topics}  # fmt: skip
    return data


def write_manifest(data: dict[str, object], path: Path, force: bool = False) -> None:
    header = ("# Your workbook. Edit this file and run `workbook build " + str(path) + "` again.\n"
              "# Every setting is described by `workbook schema manifest`.\n")  # fmt: skip
    text = header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    write_file(text.encode(), path, "manifest", force=force)


def _choose_topics(
    known: dict[str, str], suggested: list[str], ask: Callable[..., str]
) -> list[str]:
    """Show the library numbered, with summaries; accept numbers or ids; Enter for the default."""
    order = {worksheet_id: i for i, worksheet_id in enumerate(READING_ORDER)}
    ids = sorted(known, key=lambda i: (order.get(i, len(order)), i))
    typer.echo("\nTopics you can include (* = suggested for you):")
    for number, worksheet_id in enumerate(ids, start=1):
        mark = "*" if worksheet_id in suggested else " "
        line = known[worksheet_id]
        line = line if len(line) <= SUMMARY_WIDTH else line[: SUMMARY_WIDTH - 1].rstrip() + "…"
        typer.echo(f" {mark}{number:>2}. {line}")
    default = ",".join(str(ids.index(t) + 1) for t in suggested)
    while True:
        reply = ask("Which topics? Numbers separated by commas", default=default)
        chosen, unknown = [], []
        for part in (p.strip() for p in reply.replace(" ", ",").split(",") if p.strip()):
            if part.isdigit() and 1 <= int(part) <= len(ids):
                chosen.append(ids[int(part) - 1])
            elif part in known:
                chosen.append(part)
            else:
                unknown.append(part)
        if chosen and not unknown:
            return list(dict.fromkeys(chosen))
        typer.echo(
            f"Please pick numbers from 1 to {len(ids)}"
            + (f" ('{unknown[0]}' is not one)" if unknown else "")
            + "."
        )


# Words people type for a relationship, mapped to the ones the worksheets know.
SYNONYMS = {
    "mother": "parent", "father": "parent", "mom": "parent", "mum": "parent", "dad": "parent",
    "husband": "partner", "wife": "partner", "spouse": "partner", "boyfriend": "partner",
    "girlfriend": "partner", "brother": "sibling", "sister": "sibling", "son": "child",
    "daughter": "child",
}  # fmt: skip


def _choice(question: str, options: tuple[str, ...], default: str, ask: Callable[..., str]) -> str:
    while True:
        reply = ask(f"{question} ({'/'.join(options)})", default=default).strip().lower()
        reply = SYNONYMS.get(reply, reply) if "parent" in options else reply
        if reply in options:
            return reply
        typer.echo(f"Please type one of: {', '.join(options)}.")


def ask_questions(answers: Answers, interactive: bool) -> Answers:
    """Fill in what the options left open, asking only when there is someone to ask."""
    ask: Callable[..., str] = typer.prompt if interactive else (lambda _q, default="", **_: default)
    if interactive:
        typer.echo(
            "Let's make your workbook. Press Enter to accept the suggestion in [brackets].\n"
        )
    if answers.title is None:
        answers.title = ask("A title for the cover", default="My workbook").strip() or None
    if answers.name is None:
        answers.name = (
            ask(
                "Your first name, for the cover (or press Enter to leave it out)",
                default="",
                show_default=False,
            ).strip()
            or None
        )
    if answers.loved_one is None and interactive:
        answers.loved_one = ask("Who are you worried about? Their name (or press Enter if this workbook is just for you)",
                                default="", show_default=False).strip() or None  # fmt: skip
    if answers.loved_one and answers.relationship is None:
        answers.relationship = _choice(f"How is {answers.loved_one} related to you?", RELATIONSHIPS,
                                       "other", ask)  # fmt: skip
    answers.language = _choice("Language", SUPPORTED_LANGUAGES, answers.language, ask)
    known_paths = available(answers.language, search_dirs([]))
    known = {i: f"{load(p).sheet.title} — {' '.join(load(p).sheet.summary.split())}"
             for i, p in known_paths.items()}  # fmt: skip
    if not answers.topics:
        suggested = suggested_topics(answers, list(known))
        answers.topics = _choose_topics(known, suggested, ask) if interactive else suggested
    unknown = [t for t in answers.topics if t not in known]
    if unknown:
        raise WorkbookError(f"unknown topic '{unknown[0]}'; run 'workbook list' to see them all")
    answers.page_size = _choice("Paper size", ("letter", "a4"), answers.page_size, ask)
    if interactive and not answers.large_print:
        answers.large_print = typer.confirm("Large print?", default=False)
    return answers


def run_wizard(
    answers: Answers, manifest: Path, interactive: bool, build_now: bool
) -> list[Diagnostic]:
    """Ask, write the manifest, and build it if wanted; return the build's warnings."""
    from .build import build
    from .project import BuildOptions

    answers = ask_questions(answers, interactive)
    if manifest.exists() and not (interactive and typer.confirm(f"{manifest} exists. Replace it?")):
        raise WorkbookError(f"{manifest} already exists; choose another --manifest")
    replace = manifest.exists()  # the person said so
    write_manifest(manifest_data(answers, dt.date.today()), manifest, force=replace)
    typer.echo(f"Saved your choices in {manifest}.")
    if not (build_now and (not interactive or typer.confirm("Make the PDF now?", default=True))):
        typer.echo(f"When you are ready: workbook build {manifest}")
        return []
    result = build(BuildOptions(manifest=manifest))
    where = result.path.resolve() if result.path else result.path
    typer.echo(f"Your workbook is ready: {where} ({result.pages} pages).")
    return result.warnings
