"""The editors' side of the archive, one module per concern; importing them registers each
model's admin."""

from archive.admin import articles, catalogue, suggestions  # noqa: F401
