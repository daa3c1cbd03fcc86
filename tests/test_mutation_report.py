"""The mutation report's verdict: the gate `make mutants` ends with."""

from __future__ import annotations

from tests.mutation.report import group_by_module, load_allow_list, report


def statuses(module: str, killed: int, survived: list[int], unchecked: int = 0) -> dict:
    result = {f"{module}.x_f__mutmut_{n}": "killed" for n in range(killed)}
    result |= {f"{module}.x_g__mutmut_{n}": "survived" for n in survived}
    result |= {f"{module}.xǁKǁm__mutmut_{n}": "not checked" for n in range(unchecked)}
    return result


def test_a_module_passes_at_ninety_percent_with_every_survivor_explained():
    modules = group_by_module(statuses("workshops.text", 9, [1]), [])
    assert list(modules) == ["workshops.text"]
    lines, ok = report(modules, {"workshops.text.x_g__mutmut_1": "equivalent: …"})
    assert ok
    assert lines[1].split() == ["workshops.text", "10", "9", "1", "1", "90.0%"]


def test_an_unexplained_survivor_or_a_low_score_fails():
    modules = group_by_module(statuses("workshops.text", 9, [1]), [])
    lines, ok = report(modules, {})
    assert not ok
    assert "unexplained survivor: workshops.text.x_g__mutmut_1" in "\n".join(lines)
    modules = group_by_module(statuses("workshops.dates", 8, [1, 2]), [])
    allowed = {"workshops.dates.x_g__mutmut_1": "…", "workshops.dates.x_g__mutmut_2": "…"}
    lines, ok = report(modules, allowed)
    assert not ok
    assert "workshops.dates: 80.0% killed, below 90%" in lines


def test_mutants_not_run_yet_fail_and_patterns_select_modules():
    every = statuses("workshops.text", 10, []) | statuses("workshops.forms", 10, [], unchecked=2)
    assert list(group_by_module(every, ["workshops.text.*"])) == ["workshops.text"]
    methods = group_by_module(every, ["workshops.forms.*"])
    assert len(methods["workshops.forms"].statuses) == 12  # xǁClassǁmethod names too
    lines, ok = report(methods, {})
    assert not ok
    assert "workshops.forms: 2 mutants not run yet" in lines


def test_an_allowed_mutant_that_is_now_killed_is_pointed_out():
    modules = group_by_module(statuses("workshops.text", 10, []), [])
    lines, ok = report(modules, {"workshops.text.x_f__mutmut_3": "equivalent"})
    assert ok
    assert lines[-1] == (
        "allowed but now killed (remove it from allowed.toml): workshops.text.x_f__mutmut_3"
    )


def test_every_allowed_survivor_has_a_reason():
    allowed = load_allow_list()
    assert all(isinstance(reason, str) and len(reason) > 10 for reason in allowed.values())
