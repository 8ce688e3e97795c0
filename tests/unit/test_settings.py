"""Settings: where run state lives (a checkout's var/, else the user's data directory), and the settings the
command line, the flows and Prefect's helpers read through `get_settings()` rather than the environment."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from cer.runtime import run_state
from cer.runtime.config import MONITOR_CRON, REPORT_CRON, get_settings
from cer.runtime.prefect_env import (
    api_url_in_environment,
    child_environment,
    prefect_environment,
    prefect_settings,
)
from tests.conftest import REPO
from workstreams.errors import InvalidRequest

USER_DATA = Path(platformdirs.user_data_dir("cer-toolkit", appauthor=False))


@pytest.fixture
def site_packages(tmp_path: Path) -> Path:
    """A folder shaped like an installed wheel's: the packages and their dist-info, no pyproject.toml."""
    site = tmp_path / "lib" / "python3.11" / "site-packages"
    for package in ("cer", "flows", "workstreams", "tools_catalog", "diagnostics"):
        (site / package).mkdir(parents=True)
        (site / package / "__init__.py").touch()
    (site / "cer_toolkit-0.1.0.dist-info").mkdir()
    (site / "cer_toolkit-0.1.0.dist-info" / "METADATA").write_text("Name: cer-toolkit\n")
    return site


def test_a_source_checkout_keeps_its_run_state_in_var_at_its_top() -> None:
    assert run_state.is_checkout(REPO)
    assert run_state.default_var_dir() == REPO / "var"
    settings = get_settings({})
    assert settings.var_dir == (REPO / "var").resolve()
    assert settings.database_url == f"sqlite:///{(REPO / 'var' / 'cer.db').resolve()}"
    assert settings.prefect_home == (REPO / "var" / "prefect").resolve()


def test_an_installed_copy_keeps_its_run_state_in_the_users_data_directory(
    site_packages: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not run_state.is_checkout(site_packages)
    assert run_state.default_var_dir(site_packages) == USER_DATA
    monkeypatch.setattr(run_state, "default_root", lambda: site_packages)
    settings = get_settings({})
    assert settings.var_dir == USER_DATA.resolve()
    assert not settings.var_dir.is_relative_to(site_packages)
    assert settings.database_url == f"sqlite:///{USER_DATA.resolve() / 'cer.db'}"


def test_another_projects_pyproject_does_not_make_a_checkout(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "something-else"\n')
    assert not run_state.is_checkout(tmp_path)
    (tmp_path / "pyproject.toml").write_text("not = [toml")
    assert not run_state.is_checkout(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "cer-toolkit"\n')
    assert run_state.is_checkout(tmp_path)


def test_cer_var_dir_wins_over_the_checkout_and_the_users_data_directory(
    site_packages: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = tmp_path / "state"
    assert get_settings({"CER_VAR_DIR": str(chosen)}).var_dir == chosen.resolve()
    monkeypatch.setattr(run_state, "default_root", lambda: site_packages)
    settings = get_settings({"CER_VAR_DIR": str(chosen)})
    assert settings.var_dir == chosen.resolve()
    assert settings.prefect_home == chosen.resolve() / "prefect"


def test_settings_are_read_afresh_at_every_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CER_VAR_DIR", str(tmp_path / "one"))
    monkeypatch.setenv("CER_USER", "amina")
    assert get_settings().var_dir == (tmp_path / "one").resolve()
    monkeypatch.setenv("CER_VAR_DIR", str(tmp_path / "two"))
    monkeypatch.delenv("CER_USER")
    assert get_settings().var_dir == (tmp_path / "two").resolve()
    assert get_settings().user is None


def test_the_command_lines_settings_are_read_and_trimmed() -> None:
    settings = get_settings(
        {"CER_SERVER_URL": " https://cer.example.org/ ", "CER_TOKEN": " cer_abc ", "CER_USER": " amina "}
    )
    assert (settings.server_url, settings.token, settings.user) == (
        "https://cer.example.org",
        "cer_abc",
        "amina",
    )
    assert "cer_abc" not in repr(settings)
    unset = get_settings({"CER_SERVER_URL": "", "CER_TOKEN": "  "})
    assert (unset.server_url, unset.token, unset.user) == (None, None, None)
    assert get_settings({"CER_SERVER_URL": "http://127.0.0.1:8000"}).server_url == "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://cer.example.org", "must use https"),
        ("ftp://cer.example.org", "must be an http(s) address"),
        ("cer.example.org", "must be an http(s) address"),
    ],
)
def test_a_server_url_that_would_leak_the_token_or_is_no_address_is_refused(url: str, message: str) -> None:
    with pytest.raises(
        InvalidRequest, match="CER_SERVER_URL " + message.replace("(", r"\(").replace(")", r"\)")
    ):
        get_settings({"CER_SERVER_URL": url})


def test_schedules_default_to_daily_and_semi_annual_and_refuse_what_is_no_cron() -> None:
    settings = get_settings({})
    assert (settings.monitor_cron, settings.report_cron) == (MONITOR_CRON, REPORT_CRON)
    settings = get_settings({"CER_MONITOR_CRON": "30  5 * * MON-FRI", "CER_REPORT_CRON": "@monthly"})
    assert (settings.monitor_cron, settings.report_cron) == ("30 5 * * MON-FRI", "@monthly")
    for bad in ("every day", "0 6 * *", "0 6 * * * * * *", "0; 6 * * *"):
        with pytest.raises(InvalidRequest, match="CER_MONITOR_CRON must be a cron schedule"):
            get_settings({"CER_MONITOR_CRON": bad})


@pytest.mark.parametrize("name", ["CER_WEB_PORT", "CER_PREFECT_PORT", "CER_SMTP_PORT"])
@pytest.mark.parametrize("value", ["http", "-1", "0", "70000", "8000.5"])
def test_a_port_that_is_no_port_is_refused(name: str, value: str) -> None:
    with pytest.raises(InvalidRequest, match=f"{name} must be a port number"):
        get_settings({name: value})


def test_prefect_settings_come_from_the_settings(tmp_path: Path) -> None:
    local = prefect_settings({"CER_VAR_DIR": str(tmp_path), "CER_PREFECT_PORT": "4300"})
    assert (local.api_url, local.home, local.elsewhere) == (
        "http://127.0.0.1:4300/api",
        tmp_path / "prefect",
        False,
    )
    assert prefect_environment(local)["PREFECT_RUNNER_POLL_FREQUENCY"] == "2"
    elsewhere = prefect_settings(
        {"PREFECT_API_URL": "http://prefect.internal:4200/api/", "PREFECT_RUNNER_POLL_FREQUENCY": "5"}
    )
    assert (elsewhere.api_url, elsewhere.ui_url, elsewhere.elsewhere) == (
        "http://prefect.internal:4200/api",
        "http://prefect.internal:4200",
        True,
    )
    assert prefect_environment(elsewhere)["PREFECT_RUNNER_POLL_FREQUENCY"] == "5"
    with pytest.raises(
        InvalidRequest, match="PREFECT_RUNNER_POLL_FREQUENCY must be a whole number of seconds"
    ):
        get_settings({"PREFECT_RUNNER_POLL_FREQUENCY": "0.5"})
    assert get_settings({"PREFECT_TEMPLATE_DB_DIR": str(tmp_path)}).prefect_template_dir == tmp_path


def test_a_child_process_gets_a_copy_of_the_environment_and_the_api_url_is_put_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CER_USER", "amina")
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    child = child_environment({"PREFECT_HOME": "/tmp/x"})
    assert child["CER_USER"] == "amina" and child["PREFECT_HOME"] == "/tmp/x"
    with api_url_in_environment("http://127.0.0.1:1/api"):
        assert get_settings().prefect_api_url == "http://127.0.0.1:1/api"
        with api_url_in_environment("http://127.0.0.1:2/api"):
            assert child_environment({})["PREFECT_API_URL"] == "http://127.0.0.1:2/api"
        assert get_settings().prefect_api_url == "http://127.0.0.1:1/api"
    assert get_settings().prefect_api_url is None
