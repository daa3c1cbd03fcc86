from datetime import UTC, datetime, timedelta

import pytest

from workshops.dates import (
    NBSP,
    NonexistentLocalTime,
    french_datetime,
    french_duration,
    french_range,
    paris_to_utc,
)

from .factories import paris


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


def test_hours_and_units_never_break_across_lines():
    text = french_range(paris(2026, 12, 3, 14), paris(2026, 12, 3, 16, 30))
    assert text == f"jeudi 3{NBSP}décembre 2026, de 14{NBSP}h à 16{NBSP}h{NBSP}30"


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
    ],
)
def test_durations(delta, text):
    assert plain(french_duration(delta)) == text


def test_paris_wall_clock_is_converted_to_utc_with_the_right_offset():
    assert paris_to_utc(datetime(2026, 12, 3, 14)) == datetime(2026, 12, 3, 13, tzinfo=UTC)
    assert paris_to_utc(datetime(2027, 6, 3, 14)) == datetime(2027, 6, 3, 12, tzinfo=UTC)


def test_time_skipped_by_the_spring_change_is_refused():
    with pytest.raises(NonexistentLocalTime):
        paris_to_utc(datetime(2027, 3, 28, 2, 30))


def test_ambiguous_autumn_time_is_its_first_occurrence():
    # 2:30 happens twice on 2026-10-25; the first one is still summer time (UTC+2).
    assert paris_to_utc(datetime(2026, 10, 25, 2, 30)) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
