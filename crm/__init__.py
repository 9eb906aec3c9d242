"""Huiqi core: domain, storage, rules engine, packs. Never imports nicegui or ui."""

__version__ = "0.1.0"
