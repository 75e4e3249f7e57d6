"""Import cycles among Akhbar's modules: groups of modules that import each other, directly or round about.

    python benchmarks/import_cycles.py [--all]

Module-level imports only by default (what loading a module runs); `--all` also counts imports written
inside functions. `from package import module` counts as an import of the module, not of the package.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "akhbar"


def module_files(root: Path) -> dict[str, Path]:
    """Dotted module name to file, for every module of the package."""
    found = {}
    for path in root.rglob("*.py"):
        name = ".".join(path.relative_to(root.parent).with_suffix("").parts).removesuffix(".__init__")
        found[name] = path
    return found


def imports_of(tree: ast.Module, modules: dict[str, Path], everywhere: bool) -> set[str]:
    """The package's modules a module imports (at its top level, or anywhere with `everywhere`)."""
    nodes = ast.walk(tree) if everywhere else iter(tree.body)
    targets: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = {f"{node.module}.{alias.name}" for alias in node.names} & modules.keys()
            targets.update(subs)
            if len(subs) < len(node.names) and node.module in modules:
                targets.add(node.module)
    return targets


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for node in graph:
        if node not in index:
            visit(node)
    return found


def main() -> None:
    """Print each cycle and their count."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="count imports inside functions too")
    parser.add_argument("--package", type=Path, default=PACKAGE)
    args = parser.parse_args()
    modules = module_files(args.package)
    graph = {
        name: imports_of(ast.parse(path.read_text(encoding="utf-8")), modules, args.all) - {name}
        for name, path in modules.items()
    }
    found = cycles(graph)
    for group in found:
        print(len(group), " ".join(group))
    print(f"{len(found)} import cycles ({'all imports' if args.all else 'module-level imports'})")


if __name__ == "__main__":
    main()
