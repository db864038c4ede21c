"""Scrapy settings that the crawl child builds from its command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawlers.run import _parse_args, build_settings, is_loopback


def settings_for(*urls: str, overrides: tuple[str, ...] = (), sources: str | None = None):
    argv = ["--data-dir", "/tmp/data", "--report", "/tmp/r.json", "--jobdir", "/tmp/job"]
    for item in overrides:
        argv += ["--set", item]
    if sources is not None:
        argv += ["--sources", sources]
    return build_settings(_parse_args([*argv, *urls]), Path("/tmp/crawl.log"))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8000/", True),
        ("http://127.5.0.1/", True),
        ("http://localhost/", True),
        ("http://[::1]:8000/", True),
        ("http://www.weihai.gov.cn/", False),
        ("http://10.0.0.1/", False),
    ],
)
def test_is_loopback(url, expected):
    assert is_loopback(url) is expected


def test_remote_site_keeps_polite_defaults():
    settings = settings_for("http://www.weihai.gov.cn/")
    assert settings.getfloat("DOWNLOAD_DELAY") == 0.5
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is True
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert settings.getbool("ROBOTSTXT_OBEY") is True
    assert settings.get("USER_AGENT") == "bluecarbon/0.1 (+https://example.invalid/bluecarbon)"


def test_loopback_site_has_no_delay():
    settings = settings_for("http://127.0.0.1:8000/")
    assert settings.getfloat("DOWNLOAD_DELAY") == 0
    assert settings.getfloat("AUTOTHROTTLE_START_DELAY") == 0
    assert settings.getbool("ROBOTSTXT_OBEY") is True


def test_mixed_sources_keep_delay():
    settings = settings_for("http://127.0.0.1:8000/", "http://www.weihai.gov.cn/")
    assert settings.getfloat("DOWNLOAD_DELAY") == 0.5


def test_set_overrides_loopback_default():
    settings = settings_for("http://127.0.0.1:8000/", overrides=("DOWNLOAD_DELAY=2",))
    assert settings.getfloat("DOWNLOAD_DELAY") == 2


def test_set_reads_json_values():
    settings = settings_for(
        "http://www.weihai.gov.cn/",
        overrides=("RETRY_TIMES=0", "LOG_LEVEL=DEBUG", "AUTOTHROTTLE_ENABLED=false"),
    )
    assert settings.getint("RETRY_TIMES") == 0
    assert settings.get("LOG_LEVEL") == "DEBUG"
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is False


def test_set_without_value_rejected():
    with pytest.raises(SystemExit, match="--set expects NAME=VALUE, got 'RETRY_TIMES'"):
        settings_for("http://127.0.0.1/", overrides=("RETRY_TIMES",))


def test_sources_with_remote_domain_keep_delay():
    scope = json.dumps(
        [
            {
                "name": "local",
                "url": "http://127.0.0.1:8000/",
                "allowed_domains": ["127.0.0.1:8000", "www.weihai.gov.cn"],
            }
        ]
    )
    settings = settings_for("http://127.0.0.1:8000/", sources=scope)
    assert settings.getfloat("DOWNLOAD_DELAY") == 0.5


def test_loopback_sources_have_no_delay():
    scope = json.dumps(
        [
            {
                "name": "local",
                "url": "http://127.0.0.1:8000/",
                "allowed_domains": ["127.0.0.1:8000"],
                "sitemaps": ["http://127.0.0.1:8000/robots.txt"],
            }
        ]
    )
    settings = settings_for("http://127.0.0.1:8000/", sources=scope)
    assert settings.getfloat("DOWNLOAD_DELAY") == 0


def test_invalid_sources_json_rejected(capsys):
    with pytest.raises(SystemExit):
        settings_for("http://127.0.0.1:8000/", sources='[{"url": "http://127.0.0.1:8000/"}]')
    assert "invalid --sources JSON: 'name'" in capsys.readouterr().err
