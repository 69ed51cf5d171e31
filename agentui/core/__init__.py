"""Textual-free core: knowledge base, search index, case store and redaction."""
