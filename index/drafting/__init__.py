"""Drafting: what is built on hits (outline, export, copy check, rewrite)."""
