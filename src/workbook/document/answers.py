"""Stage 5a, the document: the answers a workbook starts with, each given to its field.

Answers come by field name (the contract in `workbook.document`) from a manifest's
`answers:`, `build --answers` or `--keep-answers` (project.Project.answers). Each is taken
as its field's kind takes it; a name no field has, or a value its field cannot take, is an
error at the place it was given, and one carried over from an old edition whose field has
gone is a warning, never dropped silently.
"""

from __future__ import annotations

from ..errors import Diagnostic, WorkbookError
from ..project import Project

TRUE = frozenset({"true", "yes", "y", "x", "1", "on", "checked", "sí", "si"})
FALSE = frozenset({"false", "no", "n", "", "0", "off"})
Value = str | bool | None


class Answers:
    """The answers of one build, and which of them have found their field."""

    def __init__(self, project: Project) -> None:
        self.project, self.given = project, project.answers
        self.used: set[str] = set()
        self.problems: list[Diagnostic] = []

    def value(self, name: str, kind: str, values: tuple[str, ...] = ()) -> Value:
        """The answer given for a field, as its kind takes it; a wrong one is a problem."""
        given = self.given.get(name)
        if given is None:
            return None
        self.used.add(name)
        value, problem = answer_value(given.value, kind, values)
        if problem:
            self.problems.append(Diagnostic(f"the answer for '{name}' {problem}", given.where))
        return value

    def lines(self, name: str) -> str | None:
        """A lines block's text: given for the block, or line by line (`<name>.K`)."""
        numbered = {int(key.rsplit(".", 1)[1]): key for key in self.given
                    if key.startswith(f"{name}.") and key.rsplit(".", 1)[1].isdigit()}  # fmt: skip
        if numbered:
            texts = [self.value(numbered[k], "text") if k in numbered else ""
                     for k in range(1, max(numbered) + 1)]  # fmt: skip
            return "\n".join(str(t or "") for t in texts)
        text = self.value(name, "text")
        return str(text) if text else None

    def check(self) -> None:
        """Raise the problems, with every answer whose field does not exist; warn of those
        carried over from an old edition."""
        gone = []
        for name, given in self.given.items():
            if name in self.used:
                continue
            if given.strict:
                message = f"no field '{name}' in this workbook{self._near(name)}"
                self.problems.append(Diagnostic(message, given.where))
            else:
                gone.append(name)
        if self.problems:
            raise WorkbookError(self.problems)
        if gone:
            message = (f"{len(gone)} answer(s) of the old workbook have no field in the new one "
                       f"and are left out: {', '.join(sorted(gone)[:10])}; the old file is kept")  # fmt: skip
            if all(w.message != message for w in self.project.warnings):
                self.project.warnings.append(Diagnostic(message, severity="warning"))

    def _near(self, name: str) -> str:
        sheet = name.split(".", 1)[0]
        ids = [w.sheet.id for w in self.project.worksheets]
        if sheet not in ids and not name.startswith("_crisis."):
            return f" (no worksheet '{sheet}' in it; it has {', '.join(ids)})"
        return ": `workbook answers` lists the names of a filled workbook"


def answer_value(value: object, kind: str, values: tuple[str, ...]) -> tuple[Value, str]:
    """A given answer as a field of `kind` takes it, or a problem saying why it cannot."""
    if kind == "check":
        said = str(value).strip().lower()
        if isinstance(value, bool) or said in TRUE | FALSE:
            return (value if isinstance(value, bool) else said in TRUE), ""
        return None, f"is '{value}': a check box takes true or false"
    if isinstance(value, bool):
        wanted = (
            "this field takes text"
            if kind == "text"
            else f"give one of {values[0]} to {values[-1]}"
        )
        return None, f"is {str(value).lower()}: {wanted}"
    said = f"{value:g}" if isinstance(value, float) else str(value).strip()
    if kind == "radio" and said not in values:
        return None, f"is '{said}': give one of {values[0]} to {values[-1]}"
    return (said if kind == "radio" else str(value)), ""
