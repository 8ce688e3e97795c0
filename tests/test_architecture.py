"""The shape of the code: no module imports itself back through others (import-linter's layers allow a
circle inside one layer; this test does not)."""

from __future__ import annotations

import grimp

PACKAGES = ("cer", "flows", "workstreams", "diagnostics", "tools_catalog")


def import_circles(graph: grimp.ImportGraph) -> set[tuple[str, ...]]:
    """Each set of modules that import each other round, as a sorted tuple (function-level imports count)."""
    circles = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                circles.add(tuple(sorted(set(back))))
    return circles


def test_no_module_imports_itself_back_through_others() -> None:
    circles = import_circles(grimp.build_graph(*PACKAGES))
    assert not circles, "import circles: " + "; ".join(" ↔ ".join(c) for c in sorted(circles))
