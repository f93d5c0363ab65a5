"""Server-rendered pages (Jinja2), bilingual, one router module per area; :mod:`service.web.pages`
assembles them. Importing this package imports no page module, so that a module here (the
message catalogue, labels) can be used without loading every page."""
