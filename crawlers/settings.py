"""Scrapy settings of the bluecarbon crawler (``scrapy.cfg`` points here).

Polite defaults for public government sites: robots.txt obeyed,
AutoThrottle on, at most two requests at a time per site, bounded
timeouts, sizes and redirects. ``crawlers.run`` overrides single values
(``--set NAME=VALUE``), as the tests do to make timeouts short.
"""

BOT_NAME = "bluecarbon"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

USER_AGENT = "bluecarbon/0.1 (+https://example.invalid/bluecarbon)"
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
# Policy PDFs run to a few megabytes; larger responses are rejected.
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
DEPTH_LIMIT = 8
# A run stops after this many responses and keeps its job directory, so
# the next run continues a large site where this one stopped.
CLOSESPIDER_PAGECOUNT = 5000

COOKIES_ENABLED = False
# No console or control server: the crawl runs unattended in a child process.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
DUPEFILTER_CLASS = "crawlers.middlewares.RedirectLoopDupeFilter"
# The recheck filter runs before the robots.txt middleware (100), which is
# replaced by one that also obeys Crawl-delay.
DOWNLOADER_MIDDLEWARES = {
    "crawlers.middlewares.RecheckFilterMiddleware": 50,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawlers.middlewares.CrawlDelayRobotsTxtMiddleware": 100,
}
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawlers.middlewares.CrawlDelayAutoThrottle": 0,
}
LOG_LEVEL = "INFO"
# The spider's callbacks await asyncio.to_thread(), which needs the asyncio
# reactor. Scrapy 2.19 defaults to it; it is stated here because it is required.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Data directory of the crawl. None means BLUECARBON_DATA_DIR or ./data, as
# for the rest of the program.
BLUECARBON_DATA_DIR = None
# Print one line per fetched URL on standard error.
BLUECARBON_PROGRESS = False
