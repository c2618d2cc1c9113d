"""Dates as people type them in spreadsheets: "May 2021", "27 May 2021", "27/05/2021", ISO."""

import datetime
import re

from responses.choices import DatePrecision

MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        datetime.date(2000, number, 1).strftime("%B").lower(),
        datetime.date(2000, number, 1).strftime("%b").lower(),
    )
}
MONTHS["sept"] = 9

_MONTH_YEAR = re.compile(r"([a-z]+)\.?,?\s+([0-9]{4})")
_DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+([0-9]{4})")
_NUMERIC = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")
_NUMERIC_MONTH = re.compile(r"([0-9]{1,2})[/.-]([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ][0-9:.]+)?")
_ISO_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
# A short line with a year in it is meant as a date: if it does not parse, it is an error rather
# than part of the lead's name.
LOOKS_LIKE_A_DATE = re.compile(r"^\W*\S*\s*\S*\s*\b(19|20)[0-9]{2}\b\W*$")


class BadDate(ValueError):
    pass


def _date(year, month, day):
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise BadDate from None


def parse_date(text):
    """
    Return (date, precision) for a typed date, or None if `text` is not one. A date of the right
    shape that does not exist ("31 February 2021", "Maytember 2021") raises BadDate.
    """
    value = " ".join(text.strip().lower().split())
    if not value:
        return None
    if match := _ISO.fullmatch(value):
        return _date(*match.groups()), DatePrecision.DAY
    if match := _ISO_MONTH.fullmatch(value):
        return _date(match[1], match[2], 1), DatePrecision.MONTH
    if match := _NUMERIC.fullmatch(value):
        return _date(match[3], match[2], match[1]), DatePrecision.DAY
    if match := _NUMERIC_MONTH.fullmatch(value):
        return _date(match[2], match[1], 1), DatePrecision.MONTH
    if match := _DAY_MONTH_YEAR.fullmatch(value):
        if match[2] not in MONTHS:
            raise BadDate
        return _date(match[3], MONTHS[match[2]], match[1]), DatePrecision.DAY
    if match := _MONTH_YEAR.fullmatch(value):
        if match[1] not in MONTHS:
            raise BadDate
        return _date(match[2], MONTHS[match[1]], 1), DatePrecision.MONTH
    if LOOKS_LIKE_A_DATE.match(value):
        raise BadDate
    return None
