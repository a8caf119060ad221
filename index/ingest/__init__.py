"""Ingest: a file becomes clean blocks, then structured chunks with roles."""
