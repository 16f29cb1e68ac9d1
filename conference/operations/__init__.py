"""The operations kit: JSON logs with a request id, /healthz, Prometheus /metrics, optional error
reports to Sentry. README, Production: operations. It imports the mail machinery and core, and no
area; ``create_app`` calls ``init_app`` before any other hook, so that the request id is there
for every line a request logs."""

from __future__ import annotations

from flask import Flask

from conference.extensions import csrf, limiter
from conference.operations import logs, metrics, sentry
from conference.operations.views import bp


def init_app(app: Flask) -> None:
    logs.configure(app)
    logs.register_request_id(app)
    metrics.register_request_timing(app)
    sentry.init(app)
    csrf.exempt(bp)
    limiter.exempt(bp)
    app.register_blueprint(bp)
