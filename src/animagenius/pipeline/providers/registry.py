"""Name → factory registries: configuration picks a provider, unknown names fail listing the known ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from animagenius.pipeline.errors import InvalidOption, ProviderUnavailable
from animagenius.pipeline.providers.settings import ProviderSettings

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._factories: dict[str, Callable[..., T]] = {}

    def register(self, name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
        def decorate(factory: Callable[..., T]) -> Callable[..., T]:
            self._factories[name] = factory
            return factory

        return decorate

    def create(self, name: str, **options: Any) -> T:
        """Make the provider called `name`; `options` (settings it needs) go to its factory."""
        try:
            factory = self._factories[name]
        except KeyError:
            known = ", ".join(sorted(self._factories)) or "none"
            raise InvalidOption(f"unknown {self.kind} provider {name!r}; known: {known}") from None
        return factory(**options)

    def create_if_set_up(self, name: str, **options: Any) -> T | None:
        """The provider called `name` if it is set up (keyed); None when it is not, or `name` is blank."""
        if not name:
            return None
        try:
            return self.create(name, **options)
        except ProviderUnavailable:
            return None

    @property
    def names(self) -> list[str]:
        return sorted(self._factories)


class ProviderRegistry(Registry[T]):
    """A registry whose factories take the `ProviderSettings` (`settings=`), read from the environment when
    the caller has none."""

    def create(self, name: str, settings: ProviderSettings | None = None, **options: Any) -> T:
        chosen = settings if settings is not None else ProviderSettings.from_env()
        return super().create(name, settings=chosen, **options)
