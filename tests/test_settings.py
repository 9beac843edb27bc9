import json
import os
import subprocess
import sys

from django.conf import settings

CHECK = [sys.executable, "-c", "import django; django.setup(); print('started')"]


def run_with(env, command=CHECK):
    """`command` in a process whose settings come from `env` alone, not from this run's."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        command, env={**clean, **env}, cwd=settings.BASE_DIR, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_with({"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_starts_with_a_secret_key():
    result = run_with({"DJANGO_SECRET_KEY": "a-real-secret"})
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_debug_runs_without_a_key():
    assert run_with({"DJANGO_DEBUG": "1"}).returncode == 0


def test_the_default_database_is_sqlite_under_var():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'])",
        ],
        env={
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "DJANGO_SETTINGS_MODULE": "config.settings",
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    engine, name = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert name == str(settings.BASE_DIR / "var" / "archive.sqlite3")


def test_whitenoise_serves_static_files():
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    assert settings.STORAGES["staticfiles"]["BACKEND"].startswith("whitenoise.")


def test_sqlite_waits_for_other_writers_and_postgresql_is_left_as_it_is():
    show = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps(s.DATABASES['default']['OPTIONS']))"
    )
    options = {}
    for name, url in [("sqlite", "sqlite:///var/x.sqlite3"), ("postgres", "postgres://u@h/db")]:
        result = subprocess.run(
            [sys.executable, "-c", show],
            env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"},
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        options[name] = json.loads(result.stdout)
    assert options["sqlite"]["transaction_mode"] == "IMMEDIATE"
    assert options["sqlite"]["timeout"] >= 10
    assert "journal_mode=WAL" in options["sqlite"]["init_command"]
    assert options["postgres"] == {}


# What each settings module installs: the archive's leave every part of the benchmarks out,
# the benchmarks' add their commands and the search benchmark's peer.
INSTALLED = [
    sys.executable,
    "-c",
    "import json, sys, django; django.setup(); "
    "from django.conf import settings; from django.core.management import get_commands; "
    "import config.urls, config.wsgi; "
    "print(json.dumps({'apps': settings.INSTALLED_APPS, 'commands': sorted(get_commands()), "
    "'modules': sorted({m.split('.')[0] for m in sys.modules})}))",
]


def installed_with(settings_module):
    result = subprocess.run(
        INSTALLED,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": settings_module},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_archive_settings_leave_the_benchmarks_out():
    installed = installed_with("config.settings")
    assert not {"benchmarks", "benchmarks.peer", "modelsearch"} & set(installed["apps"])
    assert not {"bench_ingest", "bench_search"} & set(installed["commands"])
    assert not {"benchmarks", "modelsearch", "django_tasks"} & set(installed["modules"])


def test_the_benchmark_settings_add_their_commands_and_the_peer():
    installed = installed_with("benchmarks.settings")
    assert {"archive", "benchmarks", "benchmarks.peer", "modelsearch"} <= set(installed["apps"])
    assert {"bench_ingest", "bench_search", "load_seeds"} <= set(installed["commands"])


def settings_with(env, names):
    """The given settings as a subprocess with this environment sees them."""
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}, default=str))"
    )
    result = run_with(env, [sys.executable, "-c", script])
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


PRODUCTION = {
    # Long and varied enough for the deployment check; it never leaves tests.
    "DJANGO_SECRET_KEY": "tests-only-" + "abcdefghijklmnopqrstuvwxyz0123456789" * 2,
    "DJANGO_ALLOWED_HOSTS": "archive.example.org",
}
SECURE = [
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
]


def test_behind_tls_cookies_are_secure_and_browsers_keep_to_https():
    seen = settings_with({**PRODUCTION, "DJANGO_HTTPS": "1"}, SECURE)
    assert seen["SESSION_COOKIE_SECURE"] is True
    assert seen["CSRF_COOKIE_SECURE"] is True
    assert seen["SECURE_SSL_REDIRECT"] is True
    assert seen["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert seen["SECURE_HSTS_PRELOAD"] is False  # asked for, never by default
    assert seen["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    asked = settings_with(
        {**PRODUCTION, "DJANGO_HTTPS": "1", "DJANGO_HSTS_PRELOAD": "1", "DJANGO_HSTS_SECONDS": ""},
        SECURE,
    )
    assert asked["SECURE_HSTS_PRELOAD"] is True
    assert asked["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600


def test_without_tls_nothing_insists_on_https():
    seen = settings_with(PRODUCTION, SECURE)
    assert seen["SESSION_COOKIE_SECURE"] is False
    assert seen["SECURE_SSL_REDIRECT"] is False
    assert seen["SECURE_HSTS_SECONDS"] == 0


def test_the_deployment_check_finds_nothing_in_production_settings():
    result = run_with(
        {**PRODUCTION, "DJANGO_HTTPS": "1", "DJANGO_HSTS_PRELOAD": "1"},
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_cache_is_each_process_memory_unless_redis_is_named():
    assert settings_with(PRODUCTION, ["CACHES"])["CACHES"]["default"]["BACKEND"].endswith(
        "LocMemCache"
    )
    redis = settings_with({**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/3"}, ["CACHES"])
    assert redis["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/3"


def test_behind_tls_http_is_redirected_but_for_the_health_check(client, db, settings):
    """What the settings DJANGO_HTTPS gives (above) do to requests: plain http is sent to
    https, except /healthz, which a load balancer may ask over http; https answers carry
    HSTS."""
    https = settings_with({**PRODUCTION, "DJANGO_HTTPS": "1"}, [*SECURE, "SECURE_REDIRECT_EXEMPT"])
    for name in ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_REDIRECT_EXEMPT"]:
        setattr(settings, name, https[name])
    settings.SECURE_PROXY_SSL_HEADER = tuple(https["SECURE_PROXY_SSL_HEADER"])
    response = client.get("/articles/?q=trade")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/articles/?q=trade"
    assert client.get("/healthz").status_code == 200
    behind_the_proxy = client.get("/articles/", HTTP_X_FORWARDED_PROTO="https")
    assert behind_the_proxy.status_code == 200
    assert behind_the_proxy["Strict-Transport-Security"] == "max-age=31536000"
