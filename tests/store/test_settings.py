"""The settings object: environment prefix, the default database, the stored secret key."""

import stat

from store.settings import Settings, get_settings, stored_secret_key


def test_default_database_is_an_sqlite_file_under_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("TBTWATCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("TBTWATCH_DATA_DIR", str(tmp_path))
    assert Settings().effective_database_url == f"sqlite:///{tmp_path / 'tbtwatch.db'}"


def test_secret_key_is_generated_once_and_kept_private(monkeypatch, tmp_path):
    monkeypatch.delenv("TBTWATCH_SECRET_KEY", raising=False)
    monkeypatch.setenv("TBTWATCH_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        first = get_settings().secret_key
    finally:
        get_settings.cache_clear()
    assert len(first) >= 40
    assert stored_secret_key(tmp_path) == first
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_a_secret_key_from_the_environment_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("TBTWATCH_SECRET_KEY", "from-env")
    monkeypatch.setenv("TBTWATCH_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        assert get_settings().secret_key == "from-env"
    finally:
        get_settings.cache_clear()
    assert not (tmp_path / "secret_key").exists()
