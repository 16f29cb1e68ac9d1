"""Two independent frab schedule readers from PyPI (the ``test`` extra), used as a conference
app or a recording team would use them, to prove that this app's schedule.xml and
schedule.json are read without error and not only valid against the schemas:

* schedule-convert reads frab XML (it converts and merges frab-compatible schedules);
* down-frab-videos reads frab JSON (it lists a conference's talks and writes each one's
  information page before downloading its recordings).

They are required, not skipped: they are in the test extra, as the schemas' validators are.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import down_frab_videos
from schedule_convert.exporters import exporters
from schedule_convert.importers.frab_xml import FrabXmlImporter
from schedule_convert.model import Conference


def read_xml_with_schedule_convert(data: bytes) -> Conference:
    """The schedule as schedule-convert understands it, after its own checks and preparation,
    written back out in each of its formats (frab XML, xCal, iCal) as it does when converting."""
    importer = FrabXmlImporter()
    assert importer.check(data[:5000].decode()), "schedule-convert does not recognise the file as frab XML"
    conference = importer.parse(io.BytesIO(data))
    conference.prepare()
    for exporter in exporters.values():
        exporter.write(io.StringIO(), conference)
    return conference


def read_json_with_down_frab_videos(document: str | dict, folder: Path) -> dict[int, str]:
    """Each event's information page (by id) as down-frab-videos writes it, from the JSON file."""
    path = folder / "schedule.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    fahrplan = down_frab_videos.fahrplan_data("http://conference.test/", str(path), "http://conference.test/")
    downloader = down_frab_videos.lecture_downloader(fahrplan, [], download_directory=str(folder))
    return {talk_id: downloader.info_text(talk_id) for talk_id in fahrplan.lectures}
