"""Scrapy settings of the tbtwatch crawlers (``SCRAPY_SETTINGS_MODULE=crawlers.settings``).

Source URLs, keys and the database come from tbtwatch's own settings (``TBTWATCH_*``); these
are only the crawler's manners: identify ourselves, stay under 10 requests a second per
source, retry with backoff and honour ``Retry-After``.
"""

BOT_NAME = "tbtwatch"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

USER_AGENT = "tbtwatch/0.1 (technical trade barrier early warning; +https://github.com/tbtwatch)"
ROBOTSTXT_OBEY = False  # APIs and data files, fetched at the publishers' documented endpoints
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "WARNING"  # `tbtwatch crawl` prints the run's summary

# At most one request at a time per host, 0.12 s apart: under 10 requests a second.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 0.12
DOWNLOAD_DELAY_JITTER = 0
DOWNLOAD_TIMEOUT = 120
DOWNLOAD_WARNSIZE = 200 * 1024 * 1024  # the ePing bulk workbook is about 45 MB
DOWNLOAD_MAXSIZE = 1024 * 1024 * 1024

RETRY_ENABLED = True
RETRY_TIMES = 4
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 520, 522, 524, 408]
RETRY_BACKOFF_BASE = 1.0
RETRY_BACKOFF_MAX = 60.0
RETRY_AFTER_MAX = 300.0

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.middlewares.BackoffRetryMiddleware": 550,
    "crawlers.middlewares.EmptyAnswerMiddleware": 560,
}
ITEM_PIPELINES = {"crawlers.pipelines.StorePipeline": 300}

# Every connection goes to an address checked against TBTWATCH_SOURCE_PRIVATE_NETWORKS.
TWISTED_DNS_RESOLVER = "crawlers.addresses.CheckedResolver"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
