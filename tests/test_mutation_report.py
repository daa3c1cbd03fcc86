"""The mutation report's verdict: the gate `make mutants` ends with."""

from __future__ import annotations

import re

from tests.mutation.report import group_by_module, load_allow_list, report, selected


def statuses(module: str, killed: int, survived: list[int], unchecked: int = 0) -> dict:
    result = {f"{module}.x_f__mutmut_{n}": "killed" for n in range(killed)}
    result |= {f"{module}.x_g__mutmut_{n}": "survived" for n in survived}
    result |= {f"{module}.xǁKǁm__mutmut_{n}": "not checked" for n in range(unchecked)}
    return result


def judge(results: dict, allowed: dict, patterns: list[str] | None = None):  # type: ignore[no-untyped-def]
    return report(group_by_module(results), selected(results, patterns or []), allowed)


def test_a_module_passes_at_ninety_percent_with_every_survivor_explained():
    lines, ok = judge(statuses("workshops.text", 9, [1]), {})
    assert not ok
    assert lines[1].split() == ["workshops.text", "10", "9", "1", "0", "90.0%"]
    # An allowed (equivalent) survivor is not a mutant a test could kill: left out.
    lines, ok = judge(statuses("workshops.text", 9, [1]), {"workshops.text.x_g__mutmut_1": "…"})
    assert ok
    assert lines[1].split() == ["workshops.text", "10", "9", "1", "1", "100.0%"]


def test_an_unexplained_survivor_or_a_low_score_fails():
    lines, ok = judge(statuses("workshops.text", 9, [1]), {})
    assert not ok
    assert "unexplained survivor: workshops.text.x_g__mutmut_1" in "\n".join(lines)
    allowed = {"workshops.dates.x_g__mutmut_1": "…"}
    lines, ok = judge(statuses("workshops.dates", 8, [1, 2, 3]), allowed)
    assert not ok
    assert "workshops.dates: 80.0% killed, below 90%" in lines


def test_mutants_not_run_yet_fail_and_patterns_select_modules():
    every = statuses("workshops.text", 10, []) | statuses("workshops.forms", 10, [], unchecked=2)
    lines, ok = judge(every, {}, ["workshops.text.*"])
    assert ok
    assert [line.split()[0] for line in lines[1:]] == ["workshops.text"]
    lines, ok = judge(every, {}, ["workshops.forms.*"])
    assert not ok
    assert lines[1].split()[:2] == ["workshops.forms", "12"]  # xǁClassǁmethod names too
    assert "workshops.forms: 2 mutants not run yet" in lines


def test_one_mutant_is_judged_on_its_explanation_not_on_a_score():
    results = statuses("workshops.text", 1, [1])
    lines, ok = judge(results, {"workshops.text.x_g__mutmut_1": "…"}, ["*x_g__mutmut_1"])
    assert ok
    assert "workshops.text: partial run, the score is judged on whole modules" in lines


def test_stale_allow_list_entries_are_pointed_out():
    results = statuses("workshops.text", 10, [])
    lines, ok = judge(results, {"workshops.text.x_f__mutmut_3": "equivalent"})
    assert ok
    assert lines[-1] == (
        "allowed but now killed (remove it from allowed.toml): workshops.text.x_f__mutmut_3"
    )
    lines, ok = judge(results, {"workshops.text.x_f__mutmut_99": "equivalent"})
    assert not ok
    assert lines[-1].startswith("allowed but unknown to mutmut")


def test_every_allowed_survivor_is_a_mutant_name_with_a_reason():
    name = re.compile(r"^workshops(\.\w+)+\.x(_\w+|ǁ\w+ǁ\w+)__mutmut_\d+$")
    for mutant, reason in load_allow_list().items():
        assert name.match(mutant), mutant
        assert isinstance(reason, str) and len(reason) > 10, mutant
