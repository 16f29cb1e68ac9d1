"""Review: the committee, conflicts of interest, bidding, assignment, reviewing, discussion,
ranking and decisions."""

from flask import Flask

from conference.core import personal_data as core_personal_data


def init_app(app: Flask) -> None:
    # Deferred to create_app, which calls this after every area's models are imported and after
    # the areas below registered the mail placeholder sets this area's templates build on; and
    # importing the package (for its models) must not load its pages.
    from conference.cfp.web.views import submission_page  # noqa: PLC0415  (deferred, see above)
    from conference.events import cloning  # noqa: PLC0415  (deferred, see above)
    from conference.review import (  # noqa: PLC0415  (deferred: runs in create_app)
        mail,  # noqa: F401, PLC0415  (registers its templates)
        personal_data,
    )
    from conference.review.cloning import clone_review  # noqa: PLC0415  (deferred, see above)
    from conference.review.decisions import released_reviews  # noqa: PLC0415  (deferred, see above)
    from conference.review.web import bp  # noqa: PLC0415  (deferred, see above)

    app.register_blueprint(bp)
    submission_page.provide("author_reviews", released_reviews)
    core_personal_data.register("review", tables=personal_data.TABLES, export=personal_data.export,
                                erase=personal_data.erase, binds=personal_data.binds)
    cloning.register("review", clone_review)
