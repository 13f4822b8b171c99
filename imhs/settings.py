"""Settings for the IMHS referral system: one file, driven by the environment.

Every value comes from an environment variable (or a git-ignored `.env` file beside
manage.py, for local development). Bad values stop start-up with a message naming the
variable: a service holding health data about babies must not limp along half-configured.
See `.env.example` for every variable.
"""

import base64
import hashlib
import ipaddress
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _choice(name, choices, default):
    """An environment value that must be one of `choices`; anything else stops start-up."""
    value = env.str(name, default=default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not allowed; use one of: {', '.join(sorted(choices))}."
        )
    return value


def _bool(name, default):
    # django-environ reads any unknown word as False; a typo such as DEBUG=ture must not
    # silently mean "production", nor SESSION_COOKIE_SECURE=flase mean "insecure".
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def _int(name, default, minimum):
    try:
        value = env.int(name, default=default)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number.") from exc
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}.")
    return value


# --- Core --------------------------------------------------------------------------------

DEBUG = _bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (50 or more random characters)."
        )
    # Development only: a fixed, obviously insecure key so sessions survive restarts.
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production-imhs"  # noqa: S105
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY is too weak: use 50 or more random characters.")

# Keys that encrypt secrets at rest (imhs.encryption, ADR 0009), kept outside the database:
# Fernet keys, comma-separated; the first encrypts, all decrypt (rotation: see ADR 0009).
# Generate one: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key())"
# DEBUG-only fallback, derived from a published phrase: never for real data.
_DEVELOPMENT_ONLY_ENCRYPTION_KEY = base64.urlsafe_b64encode(
    hashlib.sha256(b"imhs: development-only field encryption key, never for real data").digest()
).decode("ascii")
FIELD_ENCRYPTION_KEYS = [
    k.strip() for k in env.list("FIELD_ENCRYPTION_KEYS", default=[]) if k.strip()
]
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be set when DEBUG is off (one or more Fernet keys, "
            "comma-separated, the newest first)."
        )
    FIELD_ENCRYPTION_KEYS = [_DEVELOPMENT_ONLY_ENCRYPTION_KEY]
elif not DEBUG and _DEVELOPMENT_ONLY_ENCRYPTION_KEY in FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds the development-only key.")
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS: each key must be 32 url-safe base64-encoded bytes "
            "(Fernet.generate_key())."
        ) from exc

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The public address of the service, used in emails (sign-in and password-reset links).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "")
if not DEBUG and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must be the service's https:// address.")

INSTALLED_APPS = [
    "imhs",  # first, so its templates (registration, admin overrides) win
    "patients",
    "referrals",
    "imhs.nhsuk",  # the NHS.UK design system: form fields, the crispy pack and its templates
    "imhs.apps.ServiceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "localflavor",
    "phonenumber_field",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
]

MIDDLEWARE = [
    # Outside everything, so its line times and names every answer (imhs.middleware).
    "imhs.middleware.RequestLogMiddleware",
    # Outermost, so every response carries the policy and the frame ban, Django's own answers
    # included (a forged Host's 400 is made inside the middleware that reads the Host; the
    # development 404). imhs.views.bad_request adds SecurityMiddleware's headers to a 400 made
    # inside it.
    "imhs.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Inside WhiteNoise, so static files keep their cache headers and every page gets no-store.
    "imhs.middleware.NoStoreMiddleware",
    # A NUL in a query string is a 400 before anything reads it (issue 12, point 3).
    "imhs.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication, django-otp and messages: ends idle, too-old and deactivated users'
    # sessions, then sends anyone who still owes a second factor to set one up or enter a code.
    "imhs.middleware.SessionLifetimeMiddleware",
    "imhs.middleware.SecondFactorMiddleware",
    # Last, so it sees the authenticated user and can answer a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "imhs.urls"
WSGI_APPLICATION = "imhs.wsgi.application"

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
                "imhs.context_processors.service",
                "patients.context_processors.catchment",
                "patients.context_processors.reference_data",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------------

# The local server over its socket, as the current user, unless told otherwise.
DATABASES = {"default": env.db("DATABASE_URL", default="postgres:///imhs")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = _int("DATABASE_CONN_MAX_AGE", 60, 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Two roles (docs/security.md): DATABASE_URL is the application's role, which owns nothing.
# DATABASE_OWNER_URL, given only to `manage.py migrate` (and the test suite), is the role that
# owns the tables: migrate runs wholly as it (imhs/management/commands/migrate.py), then grants
# the app role what it needs, and on the audit trail only SELECT and INSERT. Without
# DATABASE_OWNER_URL there is one role, as before: it works, but it can TRUNCATE the audit trail.
DATABASE_OWNER = None
DATABASE_APP_ROLE = None
if env.str("DATABASE_OWNER_URL", default=""):
    DATABASE_OWNER = env.db("DATABASE_OWNER_URL")
    if DATABASE_OWNER["USER"] != DATABASES["default"]["USER"]:
        DATABASE_APP_ROLE = DATABASES["default"]["USER"]
        if not DATABASE_APP_ROLE:
            raise ImproperlyConfigured(
                "DATABASE_URL must name the application's role when DATABASE_OWNER_URL is set."
            )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and authentication ---------------------------------------------------------

AUTH_USER_MODEL = "imhs.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out sign-in before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "imhs.accounts.backends.EmailBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
CSRF_FAILURE_VIEW = "imhs.views.csrf_failure"
# A refused role is recorded against the record its URL asks for (imhs.accounts.access.deny):
# by URL namespace, that record's audit label and the URL parts that name it ("referrals:detail"
# names a referral by pk, "referrals:team_referral" by reference). The core knows no app; the
# project's settings say which URLs name which record.
ACCESS_DENIED_RECORDS = {"referrals": ("referrals.referral", ("reference", "pk"))}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# NCSC guidance: length and a deny-list, no composition or rotation rules.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour: a reset link is a key to patient data

# The second factor (TOTP, django-otp). Team members and service leads always need one;
# referrers may add one, and SECOND_FACTOR_FOR_REFERRERS=true makes it required for them too.
# SECOND_FACTOR_RELAXED=true lets `make run`'s demo skip it; it is refused when DEBUG is off and
# every page then says so in a banner.
SECOND_FACTOR_FOR_REFERRERS = _bool("SECOND_FACTOR_FOR_REFERRERS", False)
SECOND_FACTOR_RELAXED = _bool("SECOND_FACTOR_RELAXED", False)
if SECOND_FACTOR_RELAXED and not DEBUG:
    raise ImproperlyConfigured(
        "SECOND_FACTOR_RELAXED=true is for the development demo only; it needs DEBUG=true."
    )
SECOND_FACTOR_BACKUP_CODES = 10
OTP_TOTP_ISSUER = "NHS Lanarkshire IMHS"
# django-otp's throttle: after each wrong code the next try waits 1, 2, 4, 8... seconds. One
# counter per user, shared by the app's codes and the backup codes
# (imhs.accounts.second_factor.verify).
OTP_TOTP_THROTTLE_FACTOR = 1
# The window (ADR 0007): the current 30-second code and one step either side (a code typed as
# it turns over, a phone clock up to 30 s off), and no drift learning, so that window never
# grows: after a sign-in with the previous step's code, a code two steps old is still refused.
OTP_TOTP_SYNC = False

# django-axes: lock by username and by username + IP, never by IP alone (one office, one IP).
AXES_FAILURE_LIMIT = _int("AXES_FAILURE_LIMIT", 5, 1)
AXES_COOLOFF_TIME = 0.25  # hours: 15 minutes
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Lockouts are shown to service leads by imhs.admin.lockouts instead (read only, audited).
AXES_ENABLE_ADMIN = False
# Behind proxies (a load balancer), the client IP is the X-Forwarded-For entry added by the
# outermost trusted proxy: django-ipware counts TRUSTED_PROXY_COUNT hops from the right, so a
# client cannot spoof its address by sending its own header. 0 = no proxy: REMOTE_ADDR.
TRUSTED_PROXY_COUNT = _int("TRUSTED_PROXY_COUNT", 0, 0)
# The addresses (or networks) of the proxy that connects to gunicorn: the only peers whose
# X-Forwarded-Proto gunicorn believes (its `forwarded_allow_ips`, set from here by
# gunicorn.conf.py). With no proxy trusted, nobody's: a client's own header must not make a
# plain-http request look like https to Django.
TRUSTED_PROXY_IPS = env.list("TRUSTED_PROXY_IPS", default=["127.0.0.1"])
for _address in TRUSTED_PROXY_IPS:
    try:
        ipaddress.ip_network(_address)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXY_IPS: {_address!r} is not an IP address or network."
        ) from exc
FORWARDED_ALLOW_IPS = ",".join(TRUSTED_PROXY_IPS) if TRUSTED_PROXY_COUNT else ""
AXES_IPWARE_PROXY_ORDER = "right-most"
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUSTED_PROXY_COUNT else ("REMOTE_ADDR",)
)

# --- Sessions, cookies and security headers ----------------------------------------------

# A signed-in session ends after 30 minutes without a request, and 12 hours after sign-in
# whatever happens (imhs.middleware.SessionLifetimeMiddleware); the cookie lasts no longer.
SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 30, 1)
SESSION_ABSOLUTE_HOURS = _int("SESSION_ABSOLUTE_HOURS", 12, 1)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = _bool("CSRF_COOKIE_SECURE", not DEBUG)
if not DEBUG and not (SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE):
    raise ImproperlyConfigured("Cookies must be Secure when DEBUG is off.")

SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer probes its app servers over plain http behind the TLS it ends itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$"]
if env.str("SECURE_PROXY_SSL_HEADER", default=""):
    # e.g. "HTTP_X_FORWARDED_PROTO,https" when TLS ends at a trusted proxy.
    SECURE_PROXY_SSL_HEADER = tuple(env.list("SECURE_PROXY_SSL_HEADER"))
SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# django-csp 4: everything from our own origin; no inline script or style anywhere. The one
# inline script (NHS.UK frontend's "js-enabled" body class, which must run before first paint)
# carries a per-response nonce instead of 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [NONE],
    },
}

# --- Email -------------------------------------------------------------------------------

_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    # One file per message in EMAIL_FILE_PATH: lets a test read what a separate worker sent.
    "file": "django.core.mail.backends.filebased.EmailBackend",
}
EMAIL_BACKEND = _EMAIL_BACKENDS[
    _choice("EMAIL_BACKEND", _EMAIL_BACKENDS, "console" if DEBUG else "smtp")
]
if EMAIL_BACKEND.endswith("filebased.EmailBackend"):
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default="")
    if not EMAIL_FILE_PATH:
        raise ImproperlyConfigured("EMAIL_BACKEND=file needs EMAIL_FILE_PATH (a directory).")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = _int("EMAIL_PORT", 587, 1)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = _bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Infant Mental Health Service <imhs-noreply@example.nhs.scot>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks --------------------------------------------------------------------

# "database": queued in PostgreSQL and run by `manage.py db_worker` (production), so an email
# survives an SMTP outage. "immediate": run in-process (development and tests).
_TASK_BACKENDS = {
    "database": "imhs.task_queue.DatabaseBackend",
    "immediate": "imhs.task_queue.InProcessBackend",
}
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[
            _choice("TASKS_BACKEND", _TASK_BACKENDS, "immediate" if DEBUG else "database")
        ],
    }
}
# /readyz/ fails when the email queue's oldest waiting task is older than this: no worker is
# taking tasks (imhs.health).
READY_MAX_QUEUE_AGE_SECONDS = _int("READY_MAX_QUEUE_AGE_SECONDS", 600, 1)
# A task left RUNNING by a worker that died is put back (imhs.task_queue) once nobody holds its
# lock and it started more than this long ago; every worker looks every SWEEP seconds.
TASK_ORPHAN_GRACE_SECONDS = _int("TASK_ORPHAN_GRACE_SECONDS", 30, 0)
TASK_ORPHAN_SWEEP_SECONDS = _int("TASK_ORPHAN_SWEEP_SECONDS", 10, 1)

# --- Static files ------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "build" / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Our stylesheet, compiled from NHS.UK frontend's Sass by `make` (see ADR 0002).
    BASE_DIR / "build" / "static",
    # NHS.UK frontend's own JavaScript and images, straight from the npm package.
    ("nhsuk-frontend", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
    # Chart.js's UMD build for the reports' charts, the same way (ADR 0012).
    ("chart.js", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Forms -------------------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = ["nhsuk"]
CRISPY_TEMPLATE_PACK = "nhsuk"
CRISPY_FAIL_SILENTLY = not DEBUG
PHONENUMBER_DEFAULT_REGION = "GB"

# --- Locale ------------------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Logging -----------------------------------------------------------------------------

LOG_LEVEL = _choice("LOG_LEVEL", {"debug", "info", "warning", "error"}, "info").upper()
AUDIT_LOG_FILE = env.str("AUDIT_LOG_FILE", default="")
# The request log (logger imhs.requests, one line a request): JSON for a log shipper, or text.
LOG_FORMAT = _choice("LOG_FORMAT", {"json", "text"}, "text" if DEBUG else "json")
# Every handler and the loggers that log request paths redact parents' link tokens.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_parent_links": {"()": "imhs.logging.RedactParentLinks"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json_line": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_parent_links"],
        },
        # A copy of every audit event, one JSON line each (imhs.audit), for a log shipper: to
        # AUDIT_LOG_FILE (reopened when logrotate moves it) if set, else to standard error.
        "audit": (
            {"class": "logging.handlers.WatchedFileHandler", "filename": AUDIT_LOG_FILE}
            if AUDIT_LOG_FILE
            else {"class": "logging.StreamHandler"}
        )
        | {"formatter": "json_line"},
        "requests": {
            "class": "logging.StreamHandler",
            "formatter": "json_line" if LOG_FORMAT == "json" else "plain",
            "filters": ["redact_parent_links"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "imhs.audit": {"handlers": ["audit"], "level": "INFO", "propagate": False},
        "imhs.requests": {"handlers": ["requests"], "level": "INFO", "propagate": False},
        # The email queue's lines (imhs.task_queue): JSON, naming the request that queued it.
        "imhs.task_queue": {"handlers": ["requests"], "level": "INFO", "propagate": False},
        "django.request": {"filters": ["redact_parent_links"]},
        "django.server": {
            "handlers": ["console"],
            "filters": ["redact_parent_links"],
            "propagate": False,
        },
    },
}

# --- The service -------------------------------------------------------------------------

# Shown on public pages, letters and error pages; kept here so one edit changes them all.
SERVICE = {
    "name": "Infant Mental Health Service",
    "organisation": "NHS Lanarkshire",
    # The header shows the NHS logo followed by the board's name, as NHS Scotland boards do.
    "board": "Lanarkshire",
    "team": "Infant Mental Health Team",
    "address_lines": ["Buchanan Centre", "126-130 Main Street", "Coatbridge", "Lanarkshire"],
    "postcode": "ML5 3BJ",
    "phone": "01698 754609",
    "hours": "9am to 5pm, Monday to Friday",
    # The published tool referrers count a baby's indicators with (the concerns section).
    "indicator_set": "Lanarkshire Infant Mental Health Observational Indicator Set",
}

# Drafts untouched this long are deleted by `manage.py purge_stale_drafts` (run it daily).
DRAFT_RETENTION_DAYS = _int("DRAFT_RETENTION_DAYS", 90, 1)

# Finished task results are deleted by `manage.py prune_task_results` (run it daily): successful
# ones after this many days, failed ones (kept to look into) after the second (ADR 0010).
TASK_RESULT_RETENTION_DAYS = _int("TASK_RESULT_RETENTION_DAYS", 1, 0)
TASK_FAILED_RESULT_RETENTION_DAYS = _int("TASK_FAILED_RESULT_RETENTION_DAYS", 14, 0)

# Parents' secure links (issue 7): how long a link lasts, wrong dates of birth allowed before
# it locks, the per-IP limit on date-of-birth answers across all links, and the idle timeout of
# a parent's session.
PARENT_LINK_DAYS = _int("PARENT_LINK_DAYS", 14, 1)
PARENT_LINK_WRONG_ANSWERS_ALLOWED = 4  # the 5th wrong answer locks the link
PARENT_LINK_IP_LIMIT = _int("PARENT_LINK_IP_LIMIT", 20, 1)  # answers per IP per hour
PARENT_SESSION_IDLE_MINUTES = 30

# Pages that show eligibility warn when a reference data set was last imported more than this
# many days ago. The Scottish Postcode Directory is published twice a year and the PHS GP
# practice file quarterly: 200 days lets one postcode release be missed by a few weeks only.
REFERENCE_DATA_STALE_DAYS = _int("REFERENCE_DATA_STALE_DAYS", 200, 1)

# The team's alerts (the dashboard): a referral accepted this many days ago with no appointment
# booked (the local standard is a first appointment within 4 weeks of acceptance), and one
# received this many days ago that nobody has started to review.
ALERT_NO_APPOINTMENT_DAYS = _int("ALERT_NO_APPOINTMENT_DAYS", 14, 1)
ALERT_NOT_REVIEWED_DAYS = _int("ALERT_NOT_REVIEWED_DAYS", 7, 1)

# Demo sign-ins (seed_demo) all share this password; refused unless DEBUG is on.
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="demo-password-imhs-2026")
