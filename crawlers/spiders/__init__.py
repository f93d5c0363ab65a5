"""One spider per source; the spider's ``name`` is the ``tbtwatch crawl`` argument."""
