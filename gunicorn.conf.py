"""gunicorn settings for production: `gunicorn imhs.wsgi` reads this file.

The access log leaves out the request path: parents' secure links carry their key in it
(/views/<token>/), and no log may hold it (Django's own loggers redact it, see imhs/logging.py).
"""

bind = "0.0.0.0:8000"
workers = 3
accesslog = "-"
# Remote address, time, method, status, size, duration: no path, no query string, no referrer.
access_log_format = '%(h)s %(t)s "%(m)s [path withheld]" %(s)s %(B)s %(L)s'
