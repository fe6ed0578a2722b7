"""The import graph of the code: no module of ours imports itself round in a loop (imports inside functions
included, so a cycle cannot hide there; imports only for type checking left out: they never run), and the job
runtime (studio/jobs) never imports the studio's services, views or forms."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "animagenius"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(tree: ast.Module, module: str, modules: set[str], is_package: bool) -> Iterator[str]:
    base = module if is_package else module.rpartition(".")[0]
    for node in _run_time_nodes(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            origin = node.module or ""
            if node.level:
                anchor = base.rsplit(".", node.level - 1)[0] if node.level > 1 else base
                origin = f"{anchor}.{origin}" if origin else anchor
            # `from package import module` needs the module; `from package import name`, the package itself
            names = [
                f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in modules else origin
                for alias in node.names
            ]
        else:
            continue
        yield from (name for name in names if name in modules)


def _run_time_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of `tree` but those under `if TYPE_CHECKING:`."""
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, ast.If) and ast.unparse(child.test).endswith("TYPE_CHECKING"):
            yield from (node for branch in child.orelse for node in _run_time_nodes(branch))
            continue
        yield child
        yield from _run_time_nodes(child)


def import_graph() -> dict[str, set[str]]:
    paths = {_module_name(path): path for path in (SRC / PACKAGE).rglob("*.py")}
    modules = set(paths)
    return {
        module: set(_imported(ast.parse(path.read_text()), module, modules, path.name == "__init__.py"))
        - {module}
        for module, path in paths.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle() -> None:
    assert cycles(import_graph()) == []


def test_the_job_runtime_never_imports_the_studio_services_or_views() -> None:
    graph = import_graph()
    jobs = {module: deps for module, deps in graph.items() if module.startswith(f"{PACKAGE}.studio.jobs")}
    above = tuple(f"{PACKAGE}.studio.{name}" for name in ("services", "views", "forms", "urls"))
    upward = {module: sorted(dep for dep in deps if dep.startswith(above)) for module, deps in jobs.items()}
    assert {module: deps for module, deps in upward.items() if deps} == {}


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
