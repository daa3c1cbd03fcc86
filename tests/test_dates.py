from datetime import UTC, date, datetime, timedelta

import pytest

from workshops.dates import (
    PARIS,
    NonexistentLocalTime,
    french_date,
    french_datetime,
    french_duration,
    french_month,
    french_range,
    paris_to_utc,
    short_date,
    to_paris,
)

from .factories import paris

#: Written out here, not imported: a test that reads the module's own constant would pass
#: whatever the module put in it.
NO_BREAK = "\u00a0"


def plain(text: str) -> str:
    return text.replace(NO_BREAK, " ")


def test_hours_and_units_never_break_across_lines():
    text = french_range(paris(2026, 12, 3, 14), paris(2026, 12, 3, 16, 30))
    assert text == "jeudi 3\u00a0décembre 2026, de 14\u00a0h à 16\u00a0h\u00a030"
    assert french_duration(timedelta(days=2, hours=1)) == "2\u00a0jours et 1\u00a0h"
    assert french_duration(timedelta(minutes=5)) == "5\u00a0min"


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 11, 30), "lundi 30 novembre 2026"),
        (date(2026, 12, 1), "mardi 1er décembre 2026"),
        (date(2027, 1, 6), "mercredi 6 janvier 2027"),
        (date(2027, 2, 4), "jeudi 4 février 2027"),
        (date(2027, 3, 5), "vendredi 5 mars 2027"),
        (date(2027, 4, 10), "samedi 10 avril 2027"),
        (date(2027, 5, 2), "dimanche 2 mai 2027"),
        (date(2027, 6, 21), "lundi 21 juin 2027"),
        (date(2027, 7, 14), "mercredi 14 juillet 2027"),
        (date(2027, 8, 15), "dimanche 15 août 2027"),
        (date(2027, 9, 2), "jeudi 2 septembre 2027"),
        (date(2027, 10, 1), "vendredi 1er octobre 2027"),
        (date(2027, 11, 11), "jeudi 11 novembre 2027"),
    ],
)
def test_every_weekday_and_month_has_its_french_name(day, text):
    assert plain(french_date(day)) == text


def test_month_headings_and_short_dates_are_read_in_paris():
    # 23:30 UTC on 31 December is already 1 January in Paris.
    new_year = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert french_month(new_year) == "janvier 2027"
    assert short_date(new_year) == "01/01/2027"
    assert short_date(datetime(2027, 3, 9, 8, tzinfo=UTC)) == "09/03/2027"


def test_naive_datetimes_are_refused_not_guessed():
    with pytest.raises(ValueError, match=r"^naive datetime: store and pass aware datetimes only$"):
        to_paris(datetime(2026, 12, 3, 14))


def test_same_day_range_reads_like_french_prose():
    assert (
        plain(french_range(paris(2026, 12, 3, 14), paris(2026, 12, 3, 16)))
        == "jeudi 3 décembre 2026, de 14 h à 16 h"
    )


def test_minutes_and_first_of_month():
    assert (
        plain(french_range(paris(2027, 4, 1, 9, 5), paris(2027, 4, 1, 10, 30)))
        == "jeudi 1er avril 2027, de 9 h 05 à 10 h 30"
    )


def test_range_is_shown_in_paris_time_whatever_the_stored_zone():
    # 13:00 UTC in winter is 14:00 in Paris; in summer 12:00 UTC is 14:00.
    winter = datetime(2026, 12, 3, 13, tzinfo=UTC)
    summer = datetime(2027, 6, 3, 12, tzinfo=UTC)
    assert plain(french_datetime(winter)) == "jeudi 3 décembre 2026 à 14 h"
    assert plain(french_datetime(summer)) == "jeudi 3 juin 2027 à 14 h"


def test_multi_day_range():
    assert (
        plain(french_range(paris(2026, 12, 3, 14), paris(2026, 12, 4, 12)))
        == "du jeudi 3 décembre 2026 à 14 h au vendredi 4 décembre 2026 à 12 h"
    )


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(hours=2), "2 h"),
        (timedelta(hours=1, minutes=30), "1 h 30"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(days=2, hours=3), "2 jours et 3 h"),
        (timedelta(days=1), "1 jour"),
        (timedelta(days=1, minutes=30), "1 jour et 30 min"),
        (timedelta(days=3, hours=1, minutes=5), "3 jours et 1 h 05"),
        (timedelta(minutes=90, seconds=59), "1 h 30"),
        (timedelta(seconds=59), "0 min"),
        (timedelta(0), "0 min"),
    ],
)
def test_durations(delta, text):
    assert plain(french_duration(delta)) == text


def test_paris_wall_clock_is_converted_to_utc_with_the_right_offset():
    assert paris_to_utc(datetime(2026, 12, 3, 14)) == datetime(2026, 12, 3, 13, tzinfo=UTC)
    assert paris_to_utc(datetime(2027, 6, 3, 14)) == datetime(2027, 6, 3, 12, tzinfo=UTC)


def test_time_skipped_by_the_spring_change_is_refused():
    with pytest.raises(NonexistentLocalTime, match=r"^2027-03-28T02:30:00$"):
        paris_to_utc(datetime(2027, 3, 28, 2, 30))


def test_ambiguous_autumn_time_is_its_first_occurrence():
    # 2:30 happens twice on 2026-10-25; the first one is still summer time (UTC+2).
    assert paris_to_utc(datetime(2026, 10, 25, 2, 30)) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    # Even when the caller built the naive time with fold=1 (the second 2:30).
    second = datetime(2026, 10, 25, 2, 30, fold=1)
    assert paris_to_utc(second) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_results_are_in_utc_whatever_the_server_time_zone(server_in_new_york):
    for result in (
        paris_to_utc(datetime(2027, 6, 3, 14)),
        paris_to_utc(datetime(2027, 6, 3, 14, tzinfo=PARIS)),
    ):
        assert (result.utcoffset(), result.hour) == (timedelta(0), 12)
