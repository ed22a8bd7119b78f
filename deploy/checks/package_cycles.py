"""`python -m deploy.checks.package_cycles`: fails when two packages of one service import each other, directly or
through others. Reads every module's imports with `ast` (including those inside functions and under
TYPE_CHECKING, since a cycle there is still a tangle to read), so it needs nothing installed."""

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "services"
Graph = dict[str, set[str]]


def imported_modules(source: Path) -> Iterator[str]:
    module = ".".join(source.relative_to(SERVICES.parent).with_suffix("").parts)
    for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.rsplit(".", node.level)[0]
                base = f"{parent}.{base}" if base else parent
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def package_of(module: str, service: str) -> str | None:
    """`services.<service>.<package>` of a module inside one of the service's packages, else None."""
    parts = module.split(".")
    if len(parts) < 3 or parts[:2] != ["services", service]:
        return None
    return parts[2] if (SERVICES / service / parts[2]).is_dir() else None


def package_graph(service: str) -> Graph:
    graph: Graph = {}
    for source in sorted((SERVICES / service).glob("*/**/*.py")):
        package = source.relative_to(SERVICES / service).parts[0]
        for imported in imported_modules(source):
            target = package_of(imported, service)
            if target is not None and target != package:
                graph.setdefault(package, set()).add(target)
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """Each strongly connected group of more than one package (Tarjan), sorted."""
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
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def main() -> None:
    failed = False
    for service in sorted(path.name for path in SERVICES.iterdir() if (path / "main.py").exists()):
        graph = package_graph(service)
        for group in cycles(graph):
            failed = True
            edges = [f"{a} -> {b}" for a in group for b in sorted(graph.get(a, ())) if b in group]
            print(f"services/{service}: packages import each other in a cycle: {', '.join(edges)}")
    if failed:
        sys.exit(1)
    print("no package cycles in any service")


if __name__ == "__main__":
    main()
