"""Review: the committee, conflicts of interest, bidding, assignment, reviewing, discussion,
ranking and decisions."""

from flask import Flask


def init_app(app: Flask) -> None:
    # Deferred: runs in create_app, after every area's models are imported.
    from conference.cfp.web.views import submission_page
    from conference.review import mail  # noqa: F401  (registers its templates)
    from conference.review.decisions import released_reviews
    from conference.review.web import bp

    app.register_blueprint(bp)
    submission_page.provide("author_reviews", released_reviews)
