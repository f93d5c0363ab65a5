"""Classification reasons in the reader's words: the kinds and values that ``nlp.reasons``
reads from a stored reason, worded by the message catalogue ("产品：智能手机（HS 8517.13）",
"keyword: lithium-ion battery"). Pages, alerts and feeds show reasons through :func:`localise`."""

from alerts.labels import sector_name
from nlp.catalogue import DEFAULT_EDITION
from nlp.hs_names import line_name
from nlp.reasons import read
from translations import N_, translations

WORDING = {
    "withdrawn": N_("measure withdrawn"),
    "adopted": N_("measure adopted or in force: compliance needed"),
    "draft": N_("draft measure"),
    "comment_period_changed": N_("comment period changed"),
    "emergency": N_("emergency measure, already applied"),
    "no_deadline": N_("no comment deadline given"),
    "deadline_passed": N_("comment deadline passed %(days)s days ago"),
    "days_left": N_("%(days)s days left to comment (deadline %(deadline)s)"),
    "china_not_affected": N_("China is not among the affected countries"),
    "all_partners": N_("all trading partners affected"),
    "no_sector": N_("no catalogue sector affected"),
    "sectors": N_("sectors: %(sectors)s"),
    "product": N_("product: %(product)s (%(system)s %(code)s)"),
    "product_partly": N_("product partly in the catalogue: %(product)s (%(system)s %(code)s)"),
    "standards_field": N_("standards field: %(product)s (%(system)s %(code)s)"),
    "standards_field_partly": N_("standards field partly in the catalogue: %(product)s (%(system)s %(code)s)"),
    "keyword": N_("keyword: %(phrase)s"),
    "model": N_("text model score %(score)s"),
}


def localise(text: str, language: str, edition: str | None = None) -> str:
    """``text``, a stored reason, in plain words of ``language`` ("zh" or "en"); sector codes and
    catalogue lines in it are named after ``edition`` of the catalogue (else the default one).
    Text that is no stored reason comes back unchanged."""
    reason = read(text)
    if reason is None:
        return text
    values = dict(reason.values)
    if "line" in values:
        name = line_name(values["system"], values["line"], language, edition or DEFAULT_EDITION)
        values["product"] = _short(name or values["line"])
    if "sectors" in values and language == "zh":
        values["sectors"] = "、".join(sector_name(code, "zh", edition) for code in values["sectors"].split(", "))
    return translations(language).gettext(WORDING[reason.kind]) % values


def _short(name: str, limit: int = 60) -> str:
    """A long nomenclature label cut at a clause boundary ("Telephone sets; smartphones …")."""
    if len(name) <= limit:
        return name
    cut = max(name.rfind(sep, 0, limit) for sep in ("; ", ", ", "，", "；", " "))
    return name[: cut if cut > 0 else limit].rstrip(" ,;，；") + "…"
