"""Killed / survived / score per module after `mutmut run`, checked against the allow-list.

`make mutants` runs it. A module passes when at least 90% of its mutants are killed and
every survivor is in `allowed.toml` with its reason; anything else makes the exit code 1,
so "no unexplained survivor" is a command, not a reading of a long list.

    python -m tests.mutation.report                   # every mutated module
    python -m tests.mutation.report 'workshops.text.*'  # the modules mutmut just ran
"""

from __future__ import annotations

import fnmatch
import re
import subprocess
import sys
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ALLOW_LIST = Path(__file__).with_name("allowed.toml")
MINIMUM_SCORE = 0.90
#: mutmut's statuses that mean a test noticed the mutant.
DETECTED = {"killed", "timeout", "caught by type check", "segfault"}
#: `workshops.text.x_slugify__mutmut_3` or `workshops.forms.xǁFieldǁmethod__mutmut_2`.
MODULE_OF_MUTANT = re.compile(r"^(?P<module>.+?)\.x[_ǁ]")


@dataclass
class Module:
    name: str
    statuses: dict[str, str] = field(default_factory=dict)

    def detected(self) -> int:
        return sum(status in DETECTED for status in self.statuses.values())

    def score(self) -> float:
        return self.detected() / len(self.statuses) if self.statuses else 1.0

    def survivors(self) -> list[str]:
        done = {name: s for name, s in self.statuses.items() if s != "not checked"}
        return sorted(name for name, status in done.items() if status not in DETECTED)

    def unchecked(self) -> list[str]:
        return sorted(name for name, status in self.statuses.items() if status == "not checked")


def read_results(mutmut: str) -> dict[str, str]:
    """Every mutant's status, as `mutmut results --all true` prints it."""
    output = subprocess.run(  # noqa: S603 - our own venv's mutmut, fixed arguments
        [mutmut, "results", "--all", "true"], check=True, capture_output=True, text=True
    ).stdout
    statuses = {}
    for line in output.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            statuses[name] = status
    return statuses


def group_by_module(statuses: dict[str, str], patterns: list[str]) -> dict[str, Module]:
    modules: dict[str, Module] = defaultdict(lambda: Module(""))
    for name, status in statuses.items():
        if patterns and not any(fnmatch.fnmatchcase(name, p) for p in patterns):
            continue
        match = MODULE_OF_MUTANT.match(name)
        module_name = match.group("module") if match else name
        module = modules[module_name]
        module.name = module_name
        module.statuses[name] = status
    return dict(sorted(modules.items()))


def load_allow_list(path: Path = ALLOW_LIST) -> dict[str, str]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def report(modules: dict[str, Module], allowed: dict[str, str]) -> tuple[list[str], bool]:
    """The table and the verdict: lines to print, and whether everything passes."""
    lines = [f"{'module':<36} {'mutants':>7} {'killed':>7} {'survived':>8} {'allowed':>7} score"]
    ok = True
    problems: list[str] = []
    for module in modules.values():
        survivors = module.survivors()
        explained = [name for name in survivors if allowed.get(name)]
        lines.append(
            f"{module.name:<36} {len(module.statuses):>7} {module.detected():>7} "
            f"{len(survivors):>8} {len(explained):>7} {module.score():6.1%}"
        )
        if module.score() < MINIMUM_SCORE:
            ok = False
            problems.append(
                f"{module.name}: {module.score():.1%} killed, below {MINIMUM_SCORE:.0%}"
            )
        for name in survivors:
            if name not in allowed:
                ok = False
                problems.append(f"unexplained survivor: {name}  (mutmut show {name})")
        if module.unchecked():
            ok = False
            problems.append(f"{module.name}: {len(module.unchecked())} mutants not run yet")
    for name in sorted(allowed):
        status = next((m.statuses[name] for m in modules.values() if name in m.statuses), None)
        if status in DETECTED:
            problems.append(f"allowed but now killed (remove it from allowed.toml): {name}")
    return lines + problems, ok


def main(argv: list[str]) -> int:
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    modules = group_by_module(read_results(mutmut), argv)
    if not modules:
        print("No mutant matches: run `make mutants` first.")
        return 1
    lines, ok = report(modules, load_allow_list())
    print("\n".join(lines))
    print("Mutation testing: " + ("every module passes." if ok else "FAILED, see above."))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
