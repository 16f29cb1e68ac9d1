"""gunicorn's settings and hooks for this app: ``gunicorn -c python:conference.operations.gunicorn_conf``
(deploy/conference-web.service). The command line adds the rest (-w, -b, --access-logfile -).

* The access log line carries the request id the app echoes in X-Request-ID (the proxy's, or
  one the app made), so it can be matched with the app's own log lines.
* With PROMETHEUS_MULTIPROC_DIR set, the directory is emptied when gunicorn starts (samples of an
  earlier run would be added to this one's) and a worker's files are marked dead when it exits.
"""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client import multiprocess

wsgi_app = "conference:create_app()"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" request_id=%({x-request-id}o)s'


def on_starting(_server) -> None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()


def child_exit(_server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
