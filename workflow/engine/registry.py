"""Every workflow definition by name and version, and which version new files start on.

Each feature registers its own definition (workflow.grants.definition,
workflow.loans.definition); the engine names none of them.
"""

from __future__ import annotations

from .definition import WorkflowDefinition

_DEFINITIONS: dict[tuple[str, int], WorkflowDefinition] = {}
_CURRENT: dict[str, int] = {}


def register(definition: WorkflowDefinition, current: bool = False) -> WorkflowDefinition:
    """Add a definition version; building its Machine now, once, not per request."""
    if definition.key in _DEFINITIONS and _DEFINITIONS[definition.key] is not definition:
        raise ValueError(f"{definition.name} v{definition.version} is already registered")
    _DEFINITIONS[definition.key] = definition
    definition.machine  # noqa: B018 - build it at load time
    if current or definition.name not in _CURRENT:
        _CURRENT[definition.name] = definition.version
    return definition


def unregister(name: str, version: int) -> None:
    """Remove a version (tests register throw-away versions)."""
    _DEFINITIONS.pop((name, version), None)
    remaining = [v for (n, v) in _DEFINITIONS if n == name]
    if remaining:
        _CURRENT[name] = max(remaining) if _CURRENT.get(name) == version else _CURRENT[name]


def get(name: str, version: int | None = None) -> WorkflowDefinition:
    version = version if version is not None else _CURRENT[name]
    try:
        return _DEFINITIONS[(name, version)]
    except KeyError:
        raise KeyError(f"No workflow {name!r} version {version}") from None


def current_version(name: str) -> int:
    return _CURRENT[name]


def names() -> tuple[str, ...]:
    return tuple(_CURRENT)


def versions(name: str) -> list[int]:
    return sorted(v for (n, v) in _DEFINITIONS if n == name)

