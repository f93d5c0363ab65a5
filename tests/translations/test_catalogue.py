"""The one message catalogue: every message the code and templates use is translated into
Chinese and English, placeholders agree, and stored codes and flashes have names."""

import os
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from service.refusals import REFUSALS
from service.web.templating import FLASHES
from translations import LANGUAGES, label, load, translations
from translations.enumerations import ENUMERATIONS

ROOT = Path(__file__).resolve().parents[2]


def extracted() -> set[tuple[str | None, str]]:
    """(context, msgid) of every message pybabel extract finds, as `make catalogue` runs it."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(ROOT, method_map, options_map):
        found.add((context, message if isinstance(message, str) else message[0]))
    return found


def catalogue(language: str):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


@pytest.fixture(scope="module")
def messages() -> set[tuple[str | None, str]]:
    return extracted()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(messages, language):
    entries = {(m.context, m.id): m for m in catalogue(language) if m.id}
    untranslated = sorted(
        (str(context), msgid)
        for context, msgid in messages
        if (context, msgid) not in entries or not entries[(context, msgid)].string or entries[(context, msgid)].fuzzy
    )
    assert untranslated == [], f"run `make catalogue` and translate these in {language}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_outlives_its_message(messages, language):
    stale = sorted(str(key) for key in {(m.context, m.id) for m in catalogue(language) if m.id} - messages)
    assert stale == [], "run `make catalogue` to drop them"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_agree(language):
    problems = [(message.id, errors) for message, errors in catalogue(language).check() if errors]
    assert problems == []


def test_every_stored_code_is_a_message(messages):
    codes = {(enumeration, code) for enumeration, codes in ENUMERATIONS.items() for code in codes}
    assert codes <= messages


def test_compiled_catalogues_speak_both_languages():
    assert translations("zh").gettext("Search") == "检索"
    assert translations("en").gettext("Search") == "Search"
    assert label("zh", "triage status", "no_action") == "无需处理"
    assert label("en", "triage status", "no_action") == "No action"
    assert translations("fr") is translations("zh")


def test_no_message_hides_in_an_f_string():
    """pybabel extract does not look inside f-strings: a message there would never be translated."""
    hidden = re.compile(r"""\bf(["']).*?\b(_|gettext|pgettext)\((["'])""")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in ("alerts", "service", "translations")
        for path in (ROOT / package).rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if hidden.search(line)
    ]
    assert found == []


def test_a_missing_or_stale_compiled_catalogue_is_compiled_from_its_po(tmp_path):
    source = ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
    po = tmp_path / "zh" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(source.read_bytes())
    assert load(tmp_path, "zh").gettext("Search") == "检索"
    po.with_suffix(".mo").write_bytes(b"")  # older than nothing: an empty file written before the .po below
    po.write_bytes(source.read_bytes().replace('msgstr "检索"'.encode(), 'msgstr "搜索"'.encode()))
    os.utime(po.with_suffix(".mo"), (0, 0))
    load.cache_clear()
    assert load(tmp_path, "zh").gettext("Search") == "搜索"


def test_every_refusal_a_rule_raises_has_its_message():
    raised = set()
    for package in ("alerts", "service", "store"):
        for path in (ROOT / package).rglob("*.py"):
            raised |= set(
                re.findall(
                    r"(?:Refused|SubscriptionError|UserError|_refuse)\(\s*\"([a-z_]+)\"",
                    path.read_text(encoding="utf-8"),
                )
            )
    assert raised <= set(REFUSALS)


def test_every_flash_a_page_redirects_with_exists():
    used = set()
    for module in (ROOT / "service" / "web").glob("*.py"):
        used |= set(re.findall(r"done=([a-z_]+)", module.read_text(encoding="utf-8")))
    used |= {"report_" + status for status in ("submitted", "published", "rejected")}
    assert used - {"report_"} <= set(FLASHES)
