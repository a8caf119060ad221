"""The import graph of fanwen.index and fanwen.service, read with `ast` (imports inside functions included):
no cycles, and arrows that point down the data path only."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"fanwen.index": ROOT / "index", "fanwen.service": ROOT / "service"}


def module_files() -> dict[str, Path]:
    modules = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join([package, *parts])] = path
    return modules


def imported_names(module: str, path: Path) -> set[str]:
    """Every module name an import statement in the file refers to, relative imports resolved."""
    is_package = path.name == "__init__.py"
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[:len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join(anchor + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # `from pkg import module`
    return names


def graph() -> dict[str, set[str]]:
    modules = module_files()
    edges = {}
    for module, path in modules.items():
        targets = set()
        for name in imported_names(module, path):
            # the deepest fanwen module the name refers to (`from a.b import c` -> a.b.c or a.b)
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != module and not module.startswith(name + "."):
                targets.add(name)
        edges[module] = targets
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_walker_sees_imports_inside_functions_and_relative_ones(tmp_path):
    edges = graph()
    assert "fanwen.index.errors" in edges["fanwen.index.library"]
    assert "fanwen.service.http.errors" in edges["fanwen.service.http.app"]  # `from .errors import …`
    assert "fanwen.index.retrieval.embed" in edges["fanwen.service.wiring"]  # imported inside a function


def test_find_cycle_reports_a_planted_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycles():
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


FORBIDDEN = [
    ("fanwen.index", "fanwen.service", "the library never imports the service layer"),
    ("fanwen.service.http", "fanwen.service.cli", "HTTP and CLI never import each other"),
    ("fanwen.service.cli", "fanwen.service.http", "HTTP and CLI never import each other"),
    ("fanwen.index.ingest", "fanwen.index.retrieval", "ingest does not depend on ranking"),
    ("fanwen.index.ingest", "fanwen.index.storage", "ingest does not depend on storage"),
    ("fanwen.index.storage", "fanwen.index.retrieval", "engines take the tokenizer and embedder as functions"),
    ("fanwen.index.storage", "fanwen.index.drafting", "arrows point down: drafting -> retrieval -> storage"),
    ("fanwen.index.retrieval", "fanwen.index.drafting", "arrows point down: drafting -> retrieval -> storage"),
    ("fanwen.index.ingest", "fanwen.index.drafting", "arrows point down"),
]


@pytest.mark.parametrize("source,target,why", FORBIDDEN)
def test_layers_point_down(source, target, why):
    bad = sorted(f"{module} -> {dep}" for module, deps in graph().items() if module.startswith(source)
                 for dep in deps if dep == target or dep.startswith(target + "."))
    assert not bad, f"{why}: {bad}"


def test_library_reads_no_environment_variables():
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "index").rglob("*.py")
                 if "os.environ" in path.read_text(encoding="utf-8") or "getenv" in path.read_text(encoding="utf-8")]
    assert not offenders
