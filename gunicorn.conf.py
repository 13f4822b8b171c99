"""gunicorn settings for production: `gunicorn imhs.wsgi` reads this file.

The access log leaves out the request path: parents' secure links carry their key in it
(/views/<token>/), and no log may hold it (Django's own loggers redact it, see imhs/logging.py).

X-Forwarded-Proto (and gunicorn's other "secure scheme" headers) are believed only from the
proxies the service's settings trust: none unless TRUSTED_PROXY_COUNT is above 0, then the
addresses in TRUSTED_PROXY_IPS. gunicorn's own default trusts 127.0.0.1, so any process on the
machine could make a plain-http request look like https to Django.
"""

import sys
from pathlib import Path

# The service's settings decide (imhs/settings.py reads the same environment as Django);
# gunicorn's own script directory, not this one, is first on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from imhs import settings as service_settings

forwarded_allow_ips = service_settings.FORWARDED_ALLOW_IPS

bind = "0.0.0.0:8000"
workers = 3
accesslog = "-"
# Remote address, time, method, status, size, duration: no path, no query string, no referrer.
access_log_format = '%(h)s %(t)s "%(m)s [path withheld]" %(s)s %(B)s %(L)s'
