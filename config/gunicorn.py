"""gunicorn's settings for `make serve` (docs/deploying.md), each open to an environment variable.

WEB_CONCURRENCY     worker processes; default: one per core
GUNICORN_THREADS    threads per worker; default 4
GUNICORN_BIND       address to listen on; default 127.0.0.1:8000 (a proxy in front)
GUNICORN_TIMEOUT    seconds a request may take before its worker is restarted; default 60
GUNICORN_PIDFILE    where the master process writes its id; default none
"""

import os

# A page costs processor time in Python (one core a process, whatever the threads) and waits
# on the database; a worker per core uses every core, and a few threads each keep a core busy
# while a request waits, without the memory of more processes.
# The cores this process may use (a container's share, not the host's count).
workers = int(os.environ.get("WEB_CONCURRENCY") or len(os.sched_getaffinity(0)))
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
worker_class = "gthread"
bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30
pidfile = os.environ.get("GUNICORN_PIDFILE") or None
keepalive = 5
# Load the application before forking: the workers share its memory, and a broken setting
# (a missing secret key) stops the server at once rather than each worker in turn.
preload_app = True

# The search keeps 500 characters of a query (archive.search.query); 500 Chinese characters
# are 4,500 bytes once percent-encoded, over gunicorn's default of 4,094 for a request line.
# 8,190 is the largest limit gunicorn sets (0 would lift it): a line over it is answered 414.
# A header line's limit is 8,190 already.
limit_request_line = 8190

# Requests go to standard output, errors to standard error, for the service manager to keep.
accesslog = "-"
errorlog = "-"
# The addresses whose X-Forwarded-* headers gunicorn believes: a proxy on the same machine;
# a proxy elsewhere is named in FORWARDED_ALLOW_IPS. (Django trusts X-Forwarded-Proto from
# whoever reaches it when DJANGO_HTTPS is on: only the proxy may reach the server.)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1"
