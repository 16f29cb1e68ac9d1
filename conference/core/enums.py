"""Enumerations more than one area uses."""

import enum


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    URL = "url"
    DATE = "date"
    COUNTRY = "country"  # an ISO 3166 code, chosen from a list
    FILE = "file"
