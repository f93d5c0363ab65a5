"""The language and the time zone of a request.

Language: ``?lang=``, then the ``lang`` cookie, then Chinese. The messages themselves are the one
gettext catalogue of :mod:`translations`.

Time zone: the browser's, which ``static/zone.js`` keeps in the ``tz`` cookie, so a reader sees
times on the clock of the computer in front of them (an exporter in Shenzhen, an embassy
officer in Geneva) without a setting to find; before that cookie is set (the first page, or a
browser without script), Asia/Shanghai for Chinese pages and UTC for English ones. Every
time shown names its zone. E-mails and digests keep the zone of their subscription, which a new
subscription takes from the same cookie; deadlines are dates and stay dates.
"""

from datetime import datetime
from gettext import GNUTranslations
from zoneinfo import ZoneInfo

from fastapi import Request
from markupsafe import Markup

from translations import DEFAULT_LANGUAGE, LANGUAGES, translations

ZONE_COOKIE = "tz"
DEFAULT_ZONES = {"zh": "Asia/Shanghai", "en": "UTC"}


def request_language(request: Request) -> str:
    for candidate in (request.query_params.get("lang"), request.cookies.get("lang")):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def request_translations(request: Request) -> GNUTranslations:
    """The catalogue in the request's language (``.gettext``, ``.pgettext``)."""
    return translations(request_language(request))


def request_zone(request: Request) -> ZoneInfo:
    """The reader's time zone: the browser's (``tz`` cookie) when it names one, else the default
    of the page's language."""
    name = request.cookies.get(ZONE_COOKIE, "")
    if 0 < len(name) <= 60:
        try:
            return ZoneInfo(name)
        except (KeyError, ValueError):  # no such zone, or not a zone's name at all ("../x")
            pass
    return ZoneInfo(DEFAULT_ZONES[request_language(request)])


def local_time(moment: datetime | None, zone: ZoneInfo, *, seconds: bool = False) -> Markup:
    """``moment`` on the reader's clock, in a ``<time>`` whose title names the zone; a dash for None."""
    if moment is None:
        return Markup("—")
    local = moment.astimezone(zone)
    shown = local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return Markup('<time datetime="{}" title="{}">{}</time>').format(local.isoformat(), zone_label(zone, local), shown)


def zone_label(zone: ZoneInfo, moment: datetime | None = None) -> str:
    """The zone's name with its offset from UTC then: ``Asia/Shanghai (UTC+08:00)``, ``UTC``."""
    if zone.key == "UTC":
        return "UTC"
    offset = (moment or datetime.now(zone)).astimezone(zone).strftime("%z")
    return f"{zone.key} (UTC{offset[:3]}:{offset[3:]})"
