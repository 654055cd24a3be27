"""The layout rules hold for every lesson, including the next one added."""

from __future__ import annotations

import tomllib
from pathlib import Path

import netsim.lessons

ROOT = Path(__file__).resolve().parents[2]


def lesson_packages(tree: str) -> set[str]:
    base = ROOT / tree.replace(".", "/")
    return {f"{tree}.{p.name}" for p in base.iterdir() if (p / "__init__.py").is_file()}


def contract_modules(kind: str, prefix: str) -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for contract in config["tool"]["importlinter"]["contracts"]:
        modules = set(contract.get("modules", ()))
        if contract["type"] == kind and modules and all(m.startswith(prefix) for m in modules):
            return modules
    return set()


def test_every_netsim_lesson_is_in_the_independence_contract() -> None:
    assert contract_modules("independence", "netsim.lessons.") == lesson_packages("netsim.lessons")


def test_every_netsim_lesson_is_declared() -> None:
    assert {f"netsim.lessons.{name}" for name in netsim.lessons.LESSONS} == lesson_packages("netsim.lessons")
