"""The generic sliding-window throttle."""

from datetime import timedelta

from workshops import throttle
from workshops.dates import utcnow
from workshops.extensions import db
from workshops.models import ThrottleHit

WINDOW = timedelta(minutes=10)


def test_hits_count_in_a_sliding_window_per_key(app):
    start = utcnow()
    limit = throttle.Limit("signup-ip:192.0.2.1", 2, WINDOW)
    assert throttle.retry_after([limit], start) == 0
    throttle.hit(limit.key, start, keep_for=WINDOW)
    throttle.hit("signup-ip:192.0.2.2", start, keep_for=WINDOW)  # another key
    assert throttle.retry_after([limit], start) == 0
    throttle.hit(limit.key, start + timedelta(minutes=4), keep_for=WINDOW)
    assert throttle.retry_after([limit], start + timedelta(minutes=5)) == 5 * 60
    assert throttle.count(limit.key, WINDOW, start + timedelta(minutes=5)) == 2
    # The first hit leaves the window: one more is allowed.
    assert throttle.retry_after([limit], start + timedelta(minutes=10)) == 0
    assert throttle.count(limit.key, WINDOW, start + timedelta(minutes=10)) == 1


def test_the_longest_wait_of_several_limits_wins(app):
    now = utcnow()
    for _ in range(3):
        throttle.hit("a", now, keep_for=WINDOW)
        throttle.hit("b", now - timedelta(minutes=5), keep_for=WINDOW)
    limits = [throttle.Limit("a", 3, WINDOW), throttle.Limit("b", 3, WINDOW)]
    assert throttle.retry_after(limits, now) == 10 * 60


def test_reset_forgets_one_key(app):
    now = utcnow()
    throttle.hit("a", now, keep_for=WINDOW)
    throttle.hit("b", now, keep_for=WINDOW)
    throttle.reset("a")
    assert throttle.count("a", WINDOW, now) == 0
    assert throttle.count("b", WINDOW, now) == 1


def test_prune_deletes_expired_hits_only(app):
    now = utcnow()
    assert throttle.prune(now) == 0
    throttle.hit("short", now - timedelta(minutes=2), keep_for=timedelta(minutes=1))
    throttle.hit("long", now - timedelta(minutes=2), keep_for=timedelta(days=1))
    throttle.hit("ends-now", now - timedelta(minutes=2), keep_for=timedelta(minutes=2))
    assert throttle.prune(now) == 2
    db.session.commit()
    assert list(db.session.execute(db.select(ThrottleHit.key)).scalars()) == ["long"]


def test_keys_of_any_length_are_stored_and_counted_apart(app):
    """A key holds what a client sent (an address, a forwarded IP): it may be huge."""
    now = utcnow()
    long_key = "login-email:" + "i\u0307" * 320  # "İ" * 320, lower-cased
    other_long_key = long_key + "x"  # same long prefix, another key
    huge_key = "login-ip:" + "9" * 100_000
    for key in (long_key, long_key, other_long_key, huge_key):
        throttle.hit(key, now, keep_for=WINDOW)
    db.session.commit()
    assert throttle.count(long_key, WINDOW, now) == 2
    assert throttle.count(other_long_key, WINDOW, now) == 1
    assert throttle.count(huge_key, WINDOW, now) == 1
    assert throttle.retry_after([throttle.Limit(long_key, 2, WINDOW)], now) == 10 * 60
    assert throttle.retry_after([throttle.Limit(other_long_key, 2, WINDOW)], now) == 0
    throttle.reset(long_key)
    db.session.commit()
    assert throttle.count(long_key, WINDOW, now) == 0
    assert throttle.count(other_long_key, WINDOW, now) == 1
    stored = list(db.session.execute(db.select(ThrottleHit.key)).scalars())
    assert all(len(key) <= 400 for key in stored)
    # The stored form still says what it counts.
    assert {key[:10] for key in stored} == {"login-emai", "login-ip:9"}


def test_short_keys_are_stored_as_they_are(app):
    now = utcnow()
    key = "login-ip:" + "1" * 247  # 256 characters
    throttle.hit(key, now, keep_for=WINDOW)
    db.session.commit()
    assert list(db.session.execute(db.select(ThrottleHit.key)).scalars()) == [key]


def test_the_wait_counts_from_the_oldest_of_the_hits_that_reach_the_limit(app):
    """Three hits where two are allowed: the limit is reached by the two newest, so the
    block lifts when the second newest leaves the window, not the oldest."""
    start = utcnow()
    limit = throttle.Limit("k", 2, WINDOW)
    for minutes in (0, 1, 2):
        throttle.hit("k", start + timedelta(minutes=minutes), keep_for=WINDOW)
    assert throttle.retry_after([limit], start + timedelta(minutes=3)) == 8 * 60


def test_the_block_lifts_one_window_after_the_hit_that_reached_the_limit(app):
    start = utcnow()
    limit = throttle.Limit("k", 2, WINDOW)
    for minutes in (0, 4, 9):
        throttle.hit("k", start + timedelta(minutes=minutes), keep_for=timedelta(days=1))
    assert throttle.retry_after([limit], start + timedelta(minutes=14, seconds=1)) == 0
    assert throttle.retry_after([limit], start + timedelta(minutes=13)) == 60
