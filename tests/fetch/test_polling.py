"""Adaptive polling: learnt from the publishing rate, bounded, jittered."""

from __future__ import annotations

import random

from akhbar.fetch.polling import PollPolicy, next_interval, observe_rate

POLICY = PollPolicy(minimum=60.0, maximum=3600.0, jitter=0.1)


def test_busy_feeds_are_polled_more_often_than_quiet_ones() -> None:
    rng = random.Random(1)
    busy = next_interval(observe_rate(None, 20, 600.0), 600.0, 20, POLICY, 900.0, rng)
    quiet = next_interval(observe_rate(None, 1, 3000.0), 600.0, 1, POLICY, 900.0, rng)
    assert busy < quiet


def test_quiet_polls_back_off_and_intervals_stay_in_bounds() -> None:
    rng = random.Random(2)
    interval, rate = 100.0, None
    seen = []
    for _ in range(30):
        interval = next_interval(rate, interval, 0, POLICY, 900.0, rng)
        rate = observe_rate(rate, 0, interval)
        seen.append(interval)
    assert seen[0] < seen[5] and all(POLICY.minimum <= s <= POLICY.maximum for s in seen)
    assert seen[-1] >= POLICY.maximum * 0.9


def test_jitter_spreads_polls_within_the_bounds() -> None:
    rng = random.Random(3)
    values = {round(next_interval(None, None, 0, POLICY, 900.0, rng), 3) for _ in range(20)}
    assert len(values) > 10 and all(810 <= v <= 990 for v in values)


def test_rate_is_a_moving_average() -> None:
    assert observe_rate(None, 10, 100.0) == 0.1
    assert 0.1 > observe_rate(0.1, 0, 100.0) > 0.0
    assert observe_rate(0.2, 5, 0.0) == 0.2
