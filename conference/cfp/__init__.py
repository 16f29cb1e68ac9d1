"""The call for papers: its setup (types, tracks, questions, access codes), submissions with
their co-authors and files, and the organisers' list of submissions."""

from flask import Flask

from conference.core import personal_data as core_personal_data


def init_app(app: Flask) -> None:
    # Importing any of the area's modules runs this package first: its pages and mail are
    # imported here, when create_app calls, after every area's models.
    from conference.cfp import (  # noqa: PLC0415  (deferred: runs in create_app)
        mail,  # noqa: F401, PLC0415  (deferred: runs in create_app; registers templates)
        personal_data,
    )
    from conference.cfp.cloning import clone_call  # noqa: PLC0415  (deferred: runs in create_app)
    from conference.cfp.queries import call_standing, stored_file_digests  # noqa: PLC0415  (deferred: runs in create_app)
    from conference.cfp.web.manage import bp as manage_bp  # noqa: PLC0415  (deferred: runs in create_app)
    from conference.cfp.web.manage_list import list_submissions  # noqa: F401, PLC0415  (deferred: its pages)
    from conference.cfp.web.views import bp  # noqa: PLC0415  (deferred: runs in create_app)
    from conference.core import unreferenced  # noqa: PLC0415  (deferred: runs in create_app)
    from conference.events import cloning  # noqa: PLC0415  (deferred: runs in create_app)
    from conference.events.web.views import event_page  # noqa: PLC0415  (deferred: runs in create_app)

    app.register_blueprint(bp)
    app.register_blueprint(manage_bp)
    event_page.provide("call", call_standing)
    unreferenced.refer_from("submission files", stored_file_digests)
    core_personal_data.register("cfp", tables=personal_data.TABLES, export=personal_data.export,
                                erase=personal_data.erase, binds=personal_data.binds)
    cloning.register("cfp", clone_call)
