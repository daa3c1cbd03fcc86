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

    def score(self, allowed: dict[str, str]) -> float:
        """Killed among the mutants that could be killed: the allowed survivors (equivalent
        or PostgreSQL-only) are left out, as mutation scores usually leave equivalent
        mutants out."""
        countable = [
            name
            for name, status in self.statuses.items()
            if not (name in allowed and status not in DETECTED)
        ]
        return self.detected() / len(countable) if countable else 1.0

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


def group_by_module(statuses: dict[str, str]) -> dict[str, Module]:
    modules: dict[str, Module] = defaultdict(lambda: Module(""))
    for name, status in statuses.items():
        match = MODULE_OF_MUTANT.match(name)
        module_name = match.group("module") if match else name
        module = modules[module_name]
        module.name = module_name
        module.statuses[name] = status
    return dict(sorted(modules.items()))


def selected(statuses: dict[str, str], patterns: list[str]) -> set[str]:
    """The mutants `make mutants MUTANTS=…` ran: all of them without a pattern."""
    if not patterns:
        return set(statuses)
    return {name for name in statuses if any(fnmatch.fnmatchcase(name, p) for p in patterns)}


def load_allow_list(path: Path = ALLOW_LIST) -> dict[str, str]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def report(
    modules: dict[str, Module], chosen: set[str], allowed: dict[str, str]
) -> tuple[list[str], bool]:
    """The table and the verdict for the modules with a chosen mutant.

    A module run whole is judged on its score too; a partial run (one mutant, one
    function) only on whether its survivors are explained.
    """
    lines = [f"{'module':<36} {'mutants':>7} {'killed':>7} {'survived':>8} {'allowed':>7} score"]
    ok = True
    problems: list[str] = []
    known = set().union(*(module.statuses for module in modules.values()))
    surviving = {name for module in modules.values() for name in module.survivors()}
    for module in modules.values():
        if not chosen & set(module.statuses):
            continue
        survivors = [name for name in module.survivors() if name in chosen]
        explained = [name for name in survivors if allowed.get(name)]
        lines.append(
            f"{module.name:<36} {len(module.statuses):>7} {module.detected():>7} "
            f"{len(survivors):>8} {len(explained):>7} {module.score(allowed):6.1%}"
        )
        for name in survivors:
            if name not in allowed:
                ok = False
                problems.append(f"unexplained survivor: {name}  (mutmut show {name})")
        whole = set(module.statuses) <= chosen
        unchecked = [name for name in module.unchecked() if name in chosen]
        if unchecked:
            ok = False
            problems.append(f"{module.name}: {len(unchecked)} mutants not run yet")
        elif whole and module.score(allowed) < MINIMUM_SCORE:
            ok = False
            problems.append(
                f"{module.name}: {module.score(allowed):.1%} killed, below {MINIMUM_SCORE:.0%}"
            )
        elif not whole:
            problems.append(f"{module.name}: partial run, the score is judged on whole modules")
    for name in sorted(allowed):
        if name not in known:
            ok = False
            problems.append(f"allowed but unknown to mutmut (renumbered? removed?): {name}")
        elif name in chosen and name not in surviving:
            problems.append(f"allowed but now killed (remove it from allowed.toml): {name}")
    return lines + problems, ok


def main(argv: list[str]) -> int:
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    statuses = read_results(mutmut)
    chosen = selected(statuses, argv)
    if not chosen:
        print("No mutant matches: run `make mutants` first.")
        return 1
    lines, ok = report(group_by_module(statuses), chosen, load_allow_list())
    print("\n".join(lines))
    print("Mutation testing: " + ("every module passes." if ok else "FAILED, see above."))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
