"""The archive, public and across every event: papers and resources (reports, position papers,
policy briefs) at stable addresses with their files, metadata and how to cite them; the theme
vocabulary; withdrawal with a tombstone. It sits above the areas whose records it keeps."""

from flask import Flask

from conference.core import personal_data as core_personal_data


def init_app(app: Flask) -> None:
    from conference.archive import personal_data  # noqa: PLC0415  (deferred: runs in create_app)
    from conference.archive.records import stored_file_digests  # noqa: PLC0415  (deferred: runs in create_app)
    from conference.archive.web.manage import bp as manage_bp  # noqa: PLC0415  (deferred: runs in create_app)
    from conference.archive.web.views import bp  # noqa: PLC0415  (deferred: runs in create_app)
    from conference.core import unreferenced  # noqa: PLC0415  (deferred: runs in create_app)

    app.register_blueprint(bp)
    app.register_blueprint(manage_bp)
    unreferenced.refer_from("archive files", stored_file_digests)
    core_personal_data.register("archive", tables=personal_data.TABLES, export=personal_data.export,
                                erase=personal_data.erase)
