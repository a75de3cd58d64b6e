"""The engine stays plain Python: no Django, no global random, no clock."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "generation"


def test_importing_and_running_the_engine_never_loads_django() -> None:
    code = (
        "import sys, generation as g\n"
        "sc = g.parse_scenario({'total_patients': 50})\n"
        "g.generate_chunk(g.make_plan(sc, 1), 0, 50)\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ENGINE.parent)


def test_the_engine_uses_no_module_level_random_or_clock() -> None:
    banned_calls = {
        "random.random",
        "random.choice",
        "random.randint",
        "random.seed",
        "random.shuffle",
        "random.uniform",
        "random.gauss",
        "datetime.now",
        "datetime.utcnow",
        "time.time",
        "date.today",
    }
    for path in ENGINE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                assert f"{node.value.id}.{node.attr}" not in banned_calls, (
                    f"{path}: {node.value.id}.{node.attr}"
                )
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                assert not any(n.split(".")[0] in ("django", "os") for n in names), (
                    f"{path}: {names}"
                )
