"""The web edition's own words: its buttons and status messages, in each language."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "tools": "Your answers",
        "saved": "Saved on this device",
        "not_saved": "Your answers cannot be saved in this browser; download them to keep them",
        "restored": "Your answers on this device are back in place",
        "download": "Download my answers",
        "print": "Print",
        "clear": "Clear my answers",
        "clear_confirm": "Clear the answers you gave on this device and go back to the workbook as "
        "it was sent to you? This cannot be undone.",
        "cleared": "Your answers are cleared; the workbook is as it was sent",
        "no_script": "Answers you type here are not saved: this browser runs no scripts. You can "
        "still print the workbook, or write on a printed copy.",
        "privacy": "Your answers are kept only in this browser on this device; nothing is sent "
        "anywhere.",
        "checklist": "Tick what applies",
        "skip": "Skip to the contents",
    },
    "es": {
        "tools": "Tus respuestas",
        "saved": "Guardado en este dispositivo",
        "not_saved": "Este navegador no puede guardar tus respuestas; descárgalas para conservarlas",
        "restored": "Tus respuestas de este dispositivo están de nuevo en su sitio",
        "download": "Descargar mis respuestas",
        "print": "Imprimir",
        "clear": "Borrar mis respuestas",
        "clear_confirm": "¿Borrar las respuestas que diste en este dispositivo y volver al cuaderno "
        "tal como te lo enviaron? No se puede deshacer.",
        "cleared": "Respuestas borradas; el cuaderno está como te lo enviaron",
        "no_script": "Lo que escribas aquí no se guarda: este navegador no ejecuta scripts. Aún "
        "puedes imprimir el cuaderno o escribir en una copia impresa.",
        "privacy": "Tus respuestas se guardan solo en este navegador, en este dispositivo; no se "
        "envía nada.",
        "checklist": "Marca lo que corresponda",
        "skip": "Ir al índice",
    },
}


def words(language: str) -> dict[str, str]:
    """The page's words in a language (English for one without them)."""
    return WORDS.get(language, WORDS["en"])
