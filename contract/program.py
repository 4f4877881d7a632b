"""A handler and the project files it imports, checked and turned into ES modules."""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from . import analysis, imported_names, imports, jsx, linking, typescript
from .analysis import ModuleInput
from .linking import Shape
from .model import Contract
from .rewrite import Rewriter, Rule
from .source import SourceText, project_root
from .specifiers import (
    SpecifierProblem,
    link,
    module_name,
    resolve_file,
    virtual_module,
)
from .syntax import Dialect, Node, Tree, dialect_of, is_empty, parse

logger = logging.getLogger(__name__)

HANDLER_EXPORT = "export { handler };"

_NO_HANDLER = (
    "no handler: define function handler(request) that returns a Response "
    "(or export one as default)"
)
_EMPTY = "empty handler: define function handler(request)"
_TOO_DEEP = (
    "code nested too deeply to compile: split the deepest expression into smaller "
    "functions"
)


@dataclass(frozen=True)
class Module:
    """One bundled file: its payload name, where it came from, and its JavaScript."""

    name: str
    path: Path
    javascript: str
    source: SourceText = field(repr=False, compare=False)
    tree: Tree = field(repr=False, compare=False)
    virtual_modules: tuple[str, ...] = ()
    import_targets: dict[int, str] = field(
        default_factory=dict, repr=False, compare=False
    )
    import_statements: tuple[Node, ...] = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class Program:
    """The entry module first, then every project file it imports."""

    root: Path
    modules: tuple[Module, ...]
    contract: Contract

    @property
    def entry(self) -> Module:
        return self.modules[0]


@dataclass
class _Parsed:
    name: str
    path: Path
    source: SourceText
    dialect: Dialect
    tree: Tree
    shape: Shape


def load(handler: Path) -> Program:
    """Read, check and transform a handler and everything it imports.

    Raises SourceError (file:line:col) for anything a build could not run.
    """
    root = project_root(handler)
    parsed = _parse_all(handler.absolute(), root)
    shapes = {name: each.shape for name, each in parsed.items()}
    linking.settle_type_exports(shapes)
    for each in parsed.values():
        imported_names.check(each.source, each.shape, shapes)

    modules = tuple(
        _transform(each, shapes, is_entry=index == 0)
        for index, each in enumerate(parsed.values())
    )
    logger.debug("loaded %s: %d module(s)", modules[0].name, len(modules))

    contract = analysis.prove(
        [
            ModuleInput(
                name=module.name,
                source=module.source,
                tree=module.tree,
                import_targets=module.import_targets,
                virtual_modules=module.virtual_modules,
                import_nodes=module.import_statements,
            )
            for module in modules
        ],
        handler_sha256=modules[0].source.sha256,
    )
    return Program(root=root, modules=modules, contract=contract)


def _parse_all(entry: Path, root: Path) -> dict[str, _Parsed]:
    """Parse the entry and, breadth first, every project file it imports."""
    parsed: dict[str, _Parsed] = {}
    queue = deque([(entry, module_name(entry, root))])

    while queue:
        path, name = queue.popleft()
        if name in parsed:
            continue

        module = _parse(path, name, is_entry=not parsed)
        parsed[name] = module
        for statement in module.shape.imports:
            target = _resolve(
                module, statement.specifier, statement.source.start_byte, root
            )
            module.shape.targets[statement.source.start_byte] = target
            if not target.startswith("zigttp:"):
                queue.append((root / target, target))
    return parsed


def _parse(path: Path, name: str, is_entry: bool) -> _Parsed:
    source = SourceText.read(path, name)
    dialect = dialect_of(name)
    tree = parse(source, dialect)

    if is_entry and is_empty(tree):
        raise source.error(0, _EMPTY)
    return _Parsed(name, path, source, dialect, tree, linking.shape(source, tree))


def _resolve(module: _Parsed, specifier: str, at: int, root: Path) -> str:
    try:
        virtual = virtual_module(specifier)
        if virtual is not None:
            return virtual
        return module_name(resolve_file(specifier, module.path, root), root)
    except SpecifierProblem as problem:
        raise module.source.error(at, str(problem)) from None


def _transform(module: _Parsed, shapes: dict[str, Shape], is_entry: bool) -> Module:
    plan = linking.plan(module.shape, shapes)
    specifiers = {
        start: target if target.startswith("zigttp:") else link(module.name, target)
        for start, target in module.shape.targets.items()
    }

    rules: dict[str, Rule] = {**typescript.RULES, **imports.rules(plan, specifiers)}
    if module.dialect.jsx:
        rules.update(jsx.RULES)
    rewriter = Rewriter(module.source, module.tree, module.dialect, rules)
    try:
        javascript = rewriter.output()
    except RecursionError:
        raise module.source.error(0, _TOO_DEEP) from None

    if is_entry:
        javascript = _export_handler(module, javascript)
    return Module(
        name=module.name,
        path=module.path,
        javascript=javascript,
        source=module.source,
        tree=module.tree,
        virtual_modules=plan.virtual_modules,
        import_targets=dict(module.shape.targets),
        import_statements=tuple(each.statement for each in module.shape.imports),
    )


def _export_handler(module: _Parsed, javascript: str) -> str:
    """Make sure the entry exports the handler, appending an export if needed."""
    if module.shape.exports_handler:
        return javascript
    if not module.shape.declares_handler:
        raise module.source.error(0, _NO_HANDLER)

    if javascript.endswith("\n"):
        return f"{javascript}{HANDLER_EXPORT}\n"
    return f"{javascript}\n{HANDLER_EXPORT}"
