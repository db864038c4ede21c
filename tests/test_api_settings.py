"""API settings come from the environment and name the bad setting."""

from __future__ import annotations

import pytest

from bluecarbon.errors import ConfigError
from bluecarbon.settings import load_settings


def test_api_defaults(tmp_path):
    settings = load_settings(tmp_path, environ={})
    assert settings.api_tokens == {}
    assert settings.api_read_token_required is False
    assert settings.api_introspection is True
    assert settings.api_graphiql is True
    assert settings.api_cors_origins == ()
    assert settings.api_rate_limit == 10.0
    assert settings.api_rate_burst == 30
    assert settings.api_cache_seconds == 30.0


def test_api_values_read(tmp_path):
    settings = load_settings(
        tmp_path,
        environ={
            "BLUECARBON_API_TOKENS": "alice:secret1, bob:secret2",
            "BLUECARBON_API_READ_TOKEN_REQUIRED": "true",
            "BLUECARBON_API_INTROSPECTION": "off",
            "BLUECARBON_API_GRAPHIQL": "0",
            "BLUECARBON_API_CORS_ORIGINS": "https://bureau.example, http://127.0.0.1:8000",
            "BLUECARBON_API_RATE_LIMIT": "2.5",
            "BLUECARBON_API_RATE_BURST": "5",
            "BLUECARBON_API_CACHE_SECONDS": "0",
        },
    )
    assert settings.api_tokens == {"alice": "secret1", "bob": "secret2"}
    assert settings.api_read_token_required is True
    assert settings.api_introspection is False
    assert settings.api_graphiql is False
    assert settings.api_cors_origins == ("https://bureau.example", "http://127.0.0.1:8000")
    assert settings.api_rate_limit == 2.5
    assert settings.api_rate_burst == 5
    assert settings.api_cache_seconds == 0.0


def test_tokens_file_wins(tmp_path):
    tokens = tmp_path / "tokens"
    tokens.write_text("carol:secret3\ndave:secret4\n", encoding="utf-8")
    settings = load_settings(
        tmp_path, environ={"BLUECARBON_API_TOKENS_FILE": str(tokens), "BLUECARBON_API_TOKENS": "alice:secret1"}
    )
    assert settings.api_tokens == {"carol": "secret3", "dave": "secret4"}


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"BLUECARBON_API_TOKENS": "alice"}, "BLUECARBON_API_TOKENS entry 1 is not of the form name:secret"),
        ({"BLUECARBON_API_TOKENS": "alice:s1,:s2"}, "BLUECARBON_API_TOKENS entry 2 is not of the form name:secret"),
        ({"BLUECARBON_API_TOKENS": "alice:s1,alice:s2"}, "BLUECARBON_API_TOKENS names 'alice' twice; give each token a distinct name"),
        ({"BLUECARBON_API_TOKENS": "alice:s1,bob:s1"}, "BLUECARBON_API_TOKENS entry 2 reuses another entry's secret; give each name its own"),
        ({"BLUECARBON_API_TOKENS_FILE": "/nonexistent/tokens"}, "BLUECARBON_API_TOKENS_FILE '/nonexistent/tokens' cannot be read (No such file or directory); point it at a readable file"),
        ({"BLUECARBON_API_INTROSPECTION": "maybe"}, "BLUECARBON_API_INTROSPECTION 'maybe' is not a boolean; use true or false"),
        ({"BLUECARBON_API_READ_TOKEN_REQUIRED": "2"}, "BLUECARBON_API_READ_TOKEN_REQUIRED '2' is not a boolean; use true or false"),
        ({"BLUECARBON_API_RATE_LIMIT": "fast"}, "BLUECARBON_API_RATE_LIMIT 'fast' is not a valid float; use a number of 0 or more"),
        ({"BLUECARBON_API_RATE_BURST": "-1"}, "BLUECARBON_API_RATE_BURST '-1' is out of range; use a number of 0 or more"),
        ({"BLUECARBON_API_CACHE_SECONDS": "nan"}, "BLUECARBON_API_CACHE_SECONDS 'nan' is out of range; use a number of 0 or more"),
        ({"BLUECARBON_API_CORS_ORIGINS": "bureau.example"}, "BLUECARBON_API_CORS_ORIGINS contains 'bureau.example', which is not an origin; use scheme://host[:port] entries separated by commas, or *"),
        ({"BLUECARBON_API_CORS_ORIGINS": "https://bureau.example/page"}, "BLUECARBON_API_CORS_ORIGINS contains 'https://bureau.example/page', which is not an origin; use scheme://host[:port] entries separated by commas, or *"),
    ],
)
def test_invalid_api_setting_named(tmp_path, environ, message):
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path, environ=environ)
    assert str(raised.value) == message


def test_token_secret_never_in_message(tmp_path):
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path, environ={"BLUECARBON_API_TOKENS": "alice:topsecret,bob:topsecret"})
    assert "topsecret" not in str(raised.value)
