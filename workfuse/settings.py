"""WorkFuse settings: one file, configured by environment variables only.

Without REDIS_URL the app runs *embedded*: SQLite (unless DATABASE_URL is set), an in-memory
broker and channel layer, and the worker and beat inside the web process (`manage.py serve`).
With REDIS_URL (and normally DATABASE_URL) it runs in *queue mode* with separate processes.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def envsecret(name: str, default: str = "") -> str:
    """A secret from NAME, or read from the file named by NAME_FILE (Docker/K8s secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def _persistent_secret_key(data_dir: Path) -> str:
    """Embedded installs get a random key kept in the data dir (mode 0600), stable across restarts."""
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


DATA_DIR = Path(envstr("WORKFUSE_DATA_DIR", str(BASE_DIR / "data")))
DEBUG = envbool("DEBUG", False)
SECRET_KEY = envsecret("SECRET_KEY") or _persistent_secret_key(DATA_DIR)
ALLOWED_HOSTS = [h.strip() for h in envstr("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in envstr("CSRF_TRUSTED_ORIGINS").split(",") if o]
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

DATABASE_URL = envstr("DATABASE_URL")
REDIS_URL = envstr("REDIS_URL")
EMBEDDED = not REDIS_URL

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.google",
    "channels",
    "django_htmx",
    "template_partials",
    "ninja",
    "integrations",
    "accounts",
    "editor",
    "executions",
    "credentials",
    "aiconfig",
    # --- chat ---
    "chat",
    # --- end chat ---
    "workfuse",  # the project package: its `serve` command
]

MIDDLEWARE = [
    "workfuse.middleware.JsonErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "workfuse.urls"
ASGI_APPLICATION = "workfuse.asgi.application"
WSGI_APPLICATION = "workfuse.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.site",
            ],
            # --- mcp: `{% load mcp %}` on the settings page (mcpserver is no app) ---
            "libraries": {"mcp": "mcpserver.templatetags"},
            # --- end mcp ---
        },
    },
]

if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            # Workers keep their connection; the ASGI server sets 0 (workfuse/asgi.py).
            conn_max_age=envint("WORKFUSE_DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
    if envbool("WORKFUSE_DB_POOL", False):
        # A pool of open connections (psycopg_pool) instead of a connect per request: the web
        # process turns it on (workfuse/asgi.py); a pooled connection is returned at the end
        # of each request, so the pool also caps the server's connections.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 2,
            "max_size": envint("WORKFUSE_DB_POOL_SIZE", 20),
            "timeout": 30,  # waiting for a free connection; then the request fails
        }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            # Django's SQLite backend, with this process's writers queued in turn
            # (workfuse/lib/sqlite/base.py) instead of polling SQLite's busy lock.
            "ENGINE": "workfuse.lib.sqlite",
            "NAME": str(DATA_DIR / "workfuse.sqlite3"),
            "OPTIONS": {
                # WAL lets the web thread read while the worker thread writes; IMMEDIATE
                # transactions plus a busy timeout make concurrent writers wait, not fail.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "workfuse.lib.redis_cache.RedisCache", "LOCATION": REDIS_URL}}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # The layer blocks up to 5 s in BZPOPMIN; redis-py 8's default 5 s socket timeout
            # would kill an idle consumer (channels_redis#422), so give reads more room.
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30}],
                # One prefix per deployment (its queue name), so installs sharing a Redis
                # database never see each other's live messages.
                "prefix": f"asgi:{envstr('WORKFUSE_QUEUE', 'workfuse')}",
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Celery carries wake-ups only; the database is the source of truth (docs/architecture.md).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 6 * 3600)
}
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # keep the LOGGING above (and its secret redaction)
# One queue name per deployment (tests give each run its own, so parallel suites never mix).
CELERY_TASK_DEFAULT_QUEUE = envstr("WORKFUSE_QUEUE", "workfuse")
# The sweep has a queue of its own, so a backlog of steps never starves timers and recovery.
# Steps the sweep wakes (timers, retries, recovered leases) queue apart from fresh dispatches:
# workers take from both in turn, so a thousand timers firing at once never hold up new runs.
WORKFUSE_WAKEUP_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}.wakeups"
CELERY_TASK_QUEUES = (
    Queue(CELERY_TASK_DEFAULT_QUEUE),
    Queue(f"{CELERY_TASK_DEFAULT_QUEUE}.sweep"),
    Queue(WORKFUSE_WAKEUP_QUEUE),
)
CELERY_TASK_ROUTES = {
    "executions.tasks.sweep_task": {"queue": f"{CELERY_TASK_DEFAULT_QUEUE}.sweep"}
}
# Celery closes the database connection around every task unless told to reuse it (~5 ms each).
CELERY_DB_REUSE_MAX = 1000
CELERY_BEAT_SCHEDULE = {
    # Timers, expired leases and lost dispatches: the database sweep that makes runs durable.
    "sweep": {"task": "executions.tasks.sweep_task", "schedule": 1.0, "options": {"expires": 5}},
}

# The engine (docs/engine.md)
WORKFUSE_STEP_LEASE_SECONDS = envint("WORKFUSE_STEP_LEASE_SECONDS", 30)
WORKFUSE_REDISPATCH_SECONDS = envint("WORKFUSE_REDISPATCH_SECONDS", 30)
WORKFUSE_MAX_INTERRUPTIONS = envint("WORKFUSE_MAX_INTERRUPTIONS", 3)
WORKFUSE_MAX_STEP_OUTPUT_BYTES = envint("WORKFUSE_MAX_STEP_OUTPUT_BYTES", 1_000_000)
# CPU time the templates of one step may take in all (DESIGN §5); loops are stopped there.
WORKFUSE_TEMPLATE_CPU_MS = envint("WORKFUSE_TEMPLATE_CPU_MS", 1000)
WORKFUSE_INLINE_SUCCESSOR = envbool("WORKFUSE_INLINE_SUCCESSOR", True)
# PostgreSQL: a straight chain's checkpoint as one statement (docs/engine.md, "One statement
# per chain step"); off: always the general transaction.
WORKFUSE_FUSED_CHECKPOINTS = envbool("WORKFUSE_FUSED_CHECKPOINTS", True)
# Embedded mode: threads of the web process that run steps (docs/engine.md, "Embedded mode").
WORKFUSE_EMBEDDED_THREADS = envint("WORKFUSE_EMBEDDED_THREADS", 4)
# Under a backlog a task adopts steps waiting longer than this for a worker, up to this many
# chains in all, and commits their checkpoints together (docs/engine.md, "Rounds").
WORKFUSE_BATCH_SIZE = envint("WORKFUSE_BATCH_SIZE", 16)
WORKFUSE_ADOPT_AFTER_MS = envint("WORKFUSE_ADOPT_AFTER_MS", 50)
# Live messages arriving within this window of a send leave together (executions/events.py).
WORKFUSE_LIVE_WINDOW_MS = envint("WORKFUSE_LIVE_WINDOW_MS", 20)
# action.code sandboxes per web/worker process, and runs before one is replaced (docs/security.md)
WORKFUSE_CODE_SANDBOXES = envint("WORKFUSE_CODE_SANDBOXES", 2)
WORKFUSE_CODE_RUNS_PER_SANDBOX = envint("WORKFUSE_CODE_RUNS_PER_SANDBOX", 1000)
# The same for action.code's Python (docs/python-code.md), and where `make setup` keeps its
# fetched and compiled runtime (editor/nodes/python_runtime.py).
WORKFUSE_PYTHON_SANDBOXES = envint("WORKFUSE_PYTHON_SANDBOXES", 2)
WORKFUSE_PYTHON_RUNS_PER_SANDBOX = envint("WORKFUSE_PYTHON_RUNS_PER_SANDBOX", 1000)
WORKFUSE_PYTHON_DIR = Path(envstr("WORKFUSE_PYTHON_DIR", str(BASE_DIR / ".cache" / "python")))
# --- subflows: called workflows (docs/control-flow.md, "Sub-workflows") ---
# How deep calls may nest, and how many called executions one top-level run may start in all
# (its calls' calls included), so a workflow calling itself cannot run away.
WORKFUSE_MAX_WORKFLOW_DEPTH = envint("WORKFUSE_MAX_WORKFLOW_DEPTH", 5)
WORKFUSE_MAX_CHILD_EXECUTIONS = envint("WORKFUSE_MAX_CHILD_EXECUTIONS", 100)
# A step waiting for the workflow it called is woken by that run's end; it also looks again
# this often, a safety net (e.g. the called workflow deleted with its runs).
WORKFUSE_CALL_RECHECK_SECONDS = envint("WORKFUSE_CALL_RECHECK_SECONDS", 300)
# --- end subflows ---

# Input limits (docs/security.md): every JSON body is parsed by workfuse/lib/safe_json.py, which
# refuses nesting deeper than this (and integers beyond 64 bits, NaN/Infinity, NUL characters).
WORKFUSE_MAX_JSON_DEPTH = envint("WORKFUSE_MAX_JSON_DEPTH", 64)

# Files in step data (workfuse/lib/files.py): the largest file a step may output or take.
WORKFUSE_FILE_MAX_BYTES = envint("WORKFUSE_FILE_MAX_BYTES", 10 * 1024 * 1024)
# --- media ---
# utility.image (docs/data-nodes.md): the most pixels an image (all its frames) may have, read
# from its header before it is decoded; 40 million RGBA pixels decode to 160 MB.
WORKFUSE_IMAGE_MAX_PIXELS = envint("WORKFUSE_IMAGE_MAX_PIXELS", 40_000_000)
# --- end media ---

# Webhooks (docs/webhooks.md)
WORKFUSE_WEBHOOK_MAX_BYTES = envint("WORKFUSE_WEBHOOK_MAX_BYTES", 1_000_000)
WORKFUSE_WEBHOOK_RATE = envstr("WORKFUSE_WEBHOOK_RATE", "600/m")  # per workflow
WORKFUSE_WEBHOOK_WAIT_SECONDS = envint(
    "WORKFUSE_WEBHOOK_WAIT_SECONDS", 30
)  # last_node, respond_node
# Webhooks: threads of a web process for their blocking work (the wait for a synchronous
# webhook's result holds none), and how long a run may go on in the web process that received
# it before its next step goes to the workers (docs/triggers.md, "Synchronous webhooks").
WORKFUSE_WEBHOOK_THREADS = envint("WORKFUSE_WEBHOOK_THREADS", 3)
# The same for the JSON API's requests (workfuse/api_asgi.py).
WORKFUSE_API_THREADS = envint("WORKFUSE_API_THREADS", 8)
# A call waiting while every one of them has been in one call longer than this (held by slow
# steps) runs in an overflow pool of at most this many threads (workfuse/lib/lean_asgi.py).
WORKFUSE_WEBHOOK_OVERFLOW_MS = envint("WORKFUSE_WEBHOOK_OVERFLOW_MS", 500)
WORKFUSE_WEBHOOK_OVERFLOW_THREADS = envint("WORKFUSE_WEBHOOK_OVERFLOW_THREADS", 16)
WORKFUSE_INLINE_BUDGET_MS = envint("WORKFUSE_INLINE_BUDGET_MS", 2000)
# --- chat: trigger.chat's page and API (docs/chat.md) ---
# How long a chat message waits for its run's reply (then the API answers 202 and the reply
# joins the conversation when the run ends), the longest message, and how often one client may
# send on a public chat page.
WORKFUSE_CHAT_WAIT_SECONDS = envint("WORKFUSE_CHAT_WAIT_SECONDS", 60)
WORKFUSE_CHAT_MAX_MESSAGE_CHARS = envint("WORKFUSE_CHAT_MAX_MESSAGE_CHARS", 8000)
WORKFUSE_CHAT_PUBLIC_RATE = envstr("WORKFUSE_CHAT_PUBLIC_RATE", "20/m")
# --- end chat ---

# --- mcp: the MCP server at /mcp/ (docs/mcp.md) ---
# How long a tool call waits for its run; a longer run goes on and the caller is told where.
WORKFUSE_MCP_CALL_TIMEOUT_SECONDS = envint("WORKFUSE_MCP_CALL_TIMEOUT_SECONDS", 120)
# Requests per token owner (a tool call is two or three: initialize, notify, call).
WORKFUSE_MCP_RATE = envstr("WORKFUSE_MCP_RATE", "300/m")
# --- end mcp ---

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "editor:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "landing"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = envstr("ACCOUNT_EMAIL_VERIFICATION", "none")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_ON_GET = False
SOCIALACCOUNT_LOGIN_ON_GET = False


def _oauth_providers() -> dict[str, dict]:
    """GitHub/Google sign-in, configured from settings alone (no SocialApp rows)."""
    providers: dict[str, dict] = {}
    if envstr("GITHUB_CLIENT_ID") and envsecret("GITHUB_CLIENT_SECRET"):
        providers["github"] = {
            "APP": {
                "client_id": envstr("GITHUB_CLIENT_ID"),
                "secret": envsecret("GITHUB_CLIENT_SECRET"),
            },
            "SCOPE": ["user:email"],
        }
        if envstr("GITHUB_URL"):  # GitHub Enterprise Server
            providers["github"]["GITHUB_URL"] = envstr("GITHUB_URL")
    if envstr("GOOGLE_CLIENT_ID") and envsecret("GOOGLE_CLIENT_SECRET"):
        providers["google"] = {
            "APP": {
                "client_id": envstr("GOOGLE_CLIENT_ID"),
                "secret": envsecret("GOOGLE_CLIENT_SECRET"),
            },
            "SCOPE": ["profile", "email"],
        }
    return providers


SOCIALACCOUNT_PROVIDERS = _oauth_providers()

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "WorkFuse <workfuse@localhost>")
if envstr("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = envstr("EMAIL_HOST")
    EMAIL_PORT = envint("EMAIL_PORT", 587)
    EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Only for `collectstatic` in production images; WhiteNoise serves from the finders otherwise.
STATIC_ROOT = envstr("STATIC_ROOT") or None
STATICFILES_DIRS = [BASE_DIR / "static"]
# Served by WhiteNoise straight from the source folders, so a fresh clone needs no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Transport security: on by default once the app answers to a real host name (not just this
# machine), which is what `check --deploy` expects; a local `make run` stays on plain HTTP.
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]", "testserver"}
HTTPS = envbool("HTTPS", not DEBUG and any(h not in LOCAL_HOSTS for h in ALLOWED_HOSTS))
# Behind a TLS-terminating proxy (the usual deployment) the proxy must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", HTTPS) else None
)
# How many proxies append to X-Forwarded-For in front of the app (client IPs in the security log
# and allauth's rate limits); 0 means REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

NINJA_PAGINATION_PER_PAGE = 50

# HTTP nodes refuse private, loopback and link-local targets unless this is set (DESIGN §10).
WORKFUSE_HTTP_ALLOW_PRIVATE = envbool("WORKFUSE_HTTP_ALLOW_PRIVATE", False)

# Credential vault (DESIGN §9): "local" or "aws"; any other value is taken as a dotted path.
WORKFUSE_VAULT = envstr("WORKFUSE_VAULT", "local")
WORKFUSE_VAULT_BACKEND = {
    "local": "credentials.vault.local.LocalVault",
    "aws": "credentials.vault.aws.AwsSecretsManagerVault",
}.get(WORKFUSE_VAULT, WORKFUSE_VAULT)
# Local vault: a Fernet key; without one, a key file is made at <WORKFUSE_VAULT_DIR>/../vault.key.
WORKFUSE_VAULT_KEY = envsecret("WORKFUSE_VAULT_KEY")
WORKFUSE_VAULT_DIR = Path(envstr("WORKFUSE_VAULT_DIR", str(DATA_DIR / "vault")))
# AWS vault: credentials come from boto3's usual chain (env, profile, instance role).
AWS_REGION = envstr("AWS_REGION")
AWS_ENDPOINT_URL = envstr("AWS_ENDPOINT_URL")
WORKFUSE_KMS_KEY_ID = envstr("WORKFUSE_KMS_KEY_ID")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # No resolved credential value reaches a log line (workfuse/lib/redaction.py).
    "filters": {"redact": {"()": "workfuse.lib.redaction.RedactSecretsFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A line per HTTP request costs a web process about 2 % of its CPU per webhook;
        # WORKFUSE_ACCESS_LOG_LEVEL=INFO brings uvicorn's access log back.
        "uvicorn.access": {"level": envstr("WORKFUSE_ACCESS_LOG_LEVEL", "WARNING")},
        # One line per task (the sweep runs every second) drowns everything else out.
        "celery.app.trace": {"level": envstr("CELERY_TASK_LOG_LEVEL", "WARNING")},
        "celery.worker.strategy": {"level": envstr("CELERY_TASK_LOG_LEVEL", "WARNING")},
        "celery.beat": {"level": envstr("CELERY_TASK_LOG_LEVEL", "WARNING")},
    },
}

# AI providers (aiconfig/providers): the server's keys, used by AI nodes without a credential of
# their own. *_BASE_URL point a provider at a proxy or gateway (empty: the provider's API).
OPENAI_API_KEY = envsecret("OPENAI_API_KEY")
OPENAI_BASE_URL = envstr("OPENAI_BASE_URL")
ANTHROPIC_API_KEY = envsecret("ANTHROPIC_API_KEY")
ANTHROPIC_BASE_URL = envstr("ANTHROPIC_BASE_URL")
GEMINI_API_KEY = envsecret("GEMINI_API_KEY")
GEMINI_BASE_URL = envstr("GEMINI_BASE_URL")
WORKFUSE_AI_TIMEOUT_SECONDS = envint("WORKFUSE_AI_TIMEOUT_SECONDS", 300)  # per provider call
# What an agent's model reads back of one tool call's result, at most (characters).
WORKFUSE_AGENT_TOOL_RESULT_CHARS = envint("WORKFUSE_AGENT_TOOL_RESULT_CHARS", 20_000)
WORKFUSE_AI_RATE = envstr("WORKFUSE_AI_RATE", "30/m")  # magic input calls per user
