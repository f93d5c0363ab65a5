"""The one message catalogue of pages and alerts, in gettext's form through Babel.

``messages.pot`` is extracted from the code and templates (``babel.cfg``); ``zh`` and ``en``
each translate every message in ``<language>/LC_MESSAGES/messages.po``, compiled to ``.mo``
by ``make messages`` (``make run``, ``make install`` and ``make test`` do it); where a ``.mo``
is missing or older than its ``.po`` (a fresh clone run without make, a translation just
edited) the ``.po`` is compiled in memory instead. Msgids are English text, with
a context where one English text means two things; stored codes (statuses, kinds, roles …)
are msgids in the context of their enumeration (:mod:`translations.enumerations`).
This package is not a home for data names (sectors: ``nlp``; WTO members: ``store``).
"""

import gettext as _gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import BaseLoader, Environment

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
DOMAIN = "messages"
DIRECTORY = Path(__file__).parent


def N_(message: str) -> str:
    """Mark ``message`` for extraction where it is translated later (module-level tables)."""
    return message


def language_of(language: str | None) -> str:
    """``language`` when it is one we speak, else the default."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def translations(language: str | None) -> _gettext.GNUTranslations:
    """The compiled catalogue of ``language`` (the default language's when unknown)."""
    return load(DIRECTORY, language_of(language))


@cache
def load(directory: Path, language: str) -> _gettext.GNUTranslations:
    """``language``'s catalogue under ``directory``: its ``.mo``, or its ``.po`` compiled in
    memory when the ``.mo`` is missing or older."""
    po = directory / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as compiled:
            return _gettext.GNUTranslations(compiled)
    with po.open("rb") as source:
        catalogue = read_po(source, locale=language)
    in_memory = io.BytesIO()
    write_mo(in_memory, catalogue)
    in_memory.seek(0)
    return _gettext.GNUTranslations(in_memory)


def label(language: str | None, enumeration: str, code: str) -> str:
    """The name of a stored ``code`` of ``enumeration`` (e.g. "triage status", "no_action")."""
    return translations(language).pgettext(enumeration, code)


def environment(language: str | None, loader: BaseLoader, **options) -> Environment:
    """A Jinja2 environment speaking ``language``: ``_``/``gettext``/``pgettext`` (new style:
    ``_("%(n)s left", n=3)``, autoescaped), ``{% trans %}`` and ``name_of(enumeration, code)``."""
    env = Environment(loader=loader, extensions=["jinja2.ext.i18n"], **options)
    env.policies["ext.i18n.trimmed"] = True
    catalogue = translations(language)
    env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]  # added by the i18n extension
    env.globals["name_of"] = catalogue.pgettext
    return env
