"""The import graph of `generation/` and `jobs/`: no circles, and layers that only look down.

Read from the source with `ast`, so every import counts: module level, inside functions
(a lazy import is still a dependency), and under `if TYPE_CHECKING:` (a type-only circle is
still a circle in the design). The map these tests hold is drawn in docs/architecture.md.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("generation", "jobs")

# The sub-packages of `jobs`, lowest first: a module may import from its own sub-package
# and from those before it, never from one after it. `accounts`, `exercises` and `api`
# are the places the coming work is planned to go (docs/architecture.md).
JOBS_LAYERS = (
    "infra",
    "accounts",
    "scenario_form",
    "scenarios",
    "runs",
    "results",
    "exercises",
    "api",
    "ops",
)
# Modules directly in `jobs/` (models, admin, apps, the RQ alias, management commands) sit
# above every sub-package; no sub-package imports them.
JOBS_TOP = "jobs"


@cache
def modules() -> dict[str, Path]:
    """Every module of the two packages by dotted name (a package by its `__init__`)."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue  # generated; they import only Django
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def imported_names(name: str, path: Path) -> Iterator[str]:
    """Dotted names `name` imports, relative imports resolved against its package.

    `from package import module` yields the module (not the package: taking a submodule
    does not depend on what the package's `__init__` re-exports); `from package import
    Name` yields the package.
    """
    known = modules()
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            for alias in node.names:
                submodule = f"{stem}.{alias.name}"
                yield submodule if submodule in known else stem


@cache
def graph() -> dict[str, frozenset[str]]:
    """Module -> the modules of the two packages it imports (outside names dropped)."""
    known = modules()
    return {
        name: frozenset(t for t in imported_names(name, path) if t in known and t != name)
        for name, path in known.items()
    }


def cycles(edges: dict[str, frozenset[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _describe(component: list[str]) -> str:
    edges = graph()
    inside = set(component)
    arrows = [f"{a} -> {b}" for a in component for b in sorted(edges[a] & inside)]
    return "; ".join(arrows)


def test_the_walk_sees_the_imports_it_should() -> None:
    # Guards the test itself: a walk that found nothing would pass every assertion below.
    edges = graph()
    assert "jobs.runs.models" in edges["jobs.runs.tasks"]
    assert "jobs.ops.maintenance" in edges["jobs.ops.worker"]
    assert "jobs.runs.worker_names" in edges["jobs.ops.maintenance"]
    assert any(target.startswith("generation.") for target in edges["generation.runner"])


def test_no_module_of_the_engine_or_the_app_is_in_an_import_circle() -> None:
    found = cycles(graph())
    assert not found, "import circles:\n" + "\n".join(_describe(c) for c in found)


def test_the_engine_imports_nothing_from_the_app_or_django() -> None:
    banned = ("jobs", "medgen_site", "django", "channels", "django_rq", "rq")
    offenders = [
        f"{name} imports {imported}"
        for name, path in modules().items()
        if name.split(".")[0] == "generation"
        for imported in imported_names(name, path)
        if imported.split(".")[0] in banned
    ]
    assert not offenders, offenders


def _layer(name: str) -> int | None:
    """The position of a jobs module's sub-package in JOBS_LAYERS; None for top modules."""
    parts = name.split(".")
    if parts[0] != "jobs" or len(parts) < 2 or parts[1] not in JOBS_LAYERS:
        return None
    return JOBS_LAYERS.index(parts[1])


def test_every_jobs_sub_package_has_a_place_in_the_layers() -> None:
    sub_packages = {p.name for p in (ROOT / "jobs").iterdir() if (p / "__init__.py").exists()}
    unplaced = sub_packages - set(JOBS_LAYERS) - {"management", "migrations"}
    assert not unplaced, f"add {sorted(unplaced)} to JOBS_LAYERS and docs/architecture.md"


def test_jobs_sub_packages_import_only_their_own_layer_and_the_ones_below() -> None:
    offenders = []
    for name, targets in graph().items():
        layer = _layer(name)
        if layer is None:
            continue
        for target in sorted(targets):
            if target.split(".")[0] != "jobs":
                continue
            target_layer = _layer(target)
            if target_layer is None or target_layer > layer:
                offenders.append(f"{name} -> {target}")
    assert not offenders, "upward or top-level imports:\n" + "\n".join(offenders)
