"""Importers: OpenAPI documents to spec folders."""
