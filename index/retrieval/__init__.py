"""Retrieval: a query becomes ranked hits (tokenizer, embedder, intent, fusion and diversity)."""
