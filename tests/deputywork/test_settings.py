import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def run_settings(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, "-c", f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='deputywork.settings'; "
                               f"from django.conf import settings; {code}"],
        env={**clean, **env}, cwd=ROOT, capture_output=True, text=True, timeout=60,
    )


def test_language_and_time_zone_are_chinese():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_secret_key_required_when_debug_is_off():
    result = run_settings({}, "print(settings.DEBUG)")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_schema_commands_run_without_a_key_but_nothing_that_serves_or_signs(tmp_path):
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
             "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "manage.py", *args], env=clean, cwd=ROOT, capture_output=True,
                              text=True, timeout=120)

    check = manage("makemigrations", "--check", "--dry-run")
    assert check.returncode == 0, check.stderr
    assert "No changes detected" in check.stdout
    for command in (["send_reminders"], ["seed_demo"], ["createsuperuser", "--no-input"]):
        refused = manage(*command)
        assert "SECRET_KEY must be set" in refused.stdout + refused.stderr


def test_debug_is_off_unless_asked():
    result = run_settings({"SECRET_KEY": "x" * 50}, "print(settings.DEBUG)")
    assert result.stdout.strip() == "False"


def test_database_cache_and_site_url_come_from_the_environment():
    result = run_settings(
        {"SECRET_KEY": "x" * 50, "DATABASE_URL": "postgres://u:p@db.example:5433/dw",
         "CACHE_URL": "redis://127.0.0.1:6379/3", "SITE_BASE_URL": "https://rd.example.gov.cn/",
         "ALLOWED_HOSTS": "rd.example.gov.cn,www.example.gov.cn"},
        "d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['HOST'], d['PORT'], d['NAME'], settings.CACHES['default']['BACKEND'], "
        "settings.SITE_BASE_URL, settings.ALLOWED_HOSTS)",
    )
    assert result.returncode == 0, result.stderr
    assert "postgresql db.example 5433 dw" in result.stdout
    assert "RedisCache" in result.stdout
    assert "https://rd.example.gov.cn " in result.stdout
    assert "['rd.example.gov.cn', 'www.example.gov.cn']" in result.stdout


@pytest.mark.skipif(sys.platform != "linux", reason="runs manage.py in a subprocess")
def test_check_deploy_is_clean_in_production():
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}  # nothing from the test run
    env.update({"SECRET_KEY": "k" * 30 + "-Production-Secret-Key-1234567890",
                "ALLOWED_HOSTS": "rd.example.gov.cn", "DATABASE_URL": "sqlite:///:memory:"})
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
