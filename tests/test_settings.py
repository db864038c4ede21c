"""Settings come from the environment and name the bad value on error."""

from pathlib import Path

import pytest

from bluecarbon.errors import ConfigError
from bluecarbon.settings import load_settings


def test_defaults_use_embedded_store(tmp_path):
    settings = load_settings(tmp_path / "data", environ={})
    assert settings.embedded is True
    assert settings.data_dir == (tmp_path / "data").resolve()
    assert settings.documents_dir == settings.data_dir / "documents"
    assert settings.graph_dir == settings.data_dir / "graph"


def test_data_dir_from_environment(tmp_path):
    settings = load_settings(environ={"BLUECARBON_DATA_DIR": str(tmp_path)})
    assert settings.data_dir == tmp_path.resolve()


def test_invalid_uri_names_value(tmp_path):
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path, environ={"NEO4J_URI": "bolt//x"})
    assert "NEO4J_URI 'bolt//x' is not a valid URI" in str(raised.value)


def test_password_in_uri_rejected(tmp_path):
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path, environ={"NEO4J_URI": "bolt://u:secret@host:7687"})
    assert "secret" not in str(raised.value)
    assert "NEO4J_PASSWORD_FILE" in str(raised.value)


def test_password_file_read(tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("s3cret\n", encoding="utf-8")
    settings = load_settings(
        tmp_path,
        environ={"NEO4J_URI": "neo4j://db:7687", "NEO4J_PASSWORD_FILE": str(secret)},
    )
    assert settings.neo4j_password == "s3cret"
    assert settings.embedded is False


def test_missing_password_file_named(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path, environ={"NEO4J_PASSWORD_FILE": str(missing)})
    assert str(missing) in str(raised.value)


def test_data_dir_that_is_file(tmp_path):
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_settings(target, environ={})
    assert str(raised.value).startswith(f"--data-dir '{target}' cannot be used")
    assert "is a file, not a directory" in str(raised.value)


def test_data_dir_under_file(tmp_path):
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_settings(environ={"BLUECARBON_DATA_DIR": str(target / "sub")})
    assert str(raised.value).startswith("BLUECARBON_DATA_DIR")
    assert f"{target} is a file, not a directory" in str(raised.value)
