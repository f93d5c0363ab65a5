// The reader's time zone for the times the pages show: the browser's, kept in the "tz" cookie
// (service/web/i18n.py reads it; the first page, before it is set, shows the language's default).
// Zone names (Area/City) hold no character a cookie value must escape.
"use strict";
(function () {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && document.cookie.split("; ").indexOf("tz=" + zone) < 0) {
    document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
  }
})();
