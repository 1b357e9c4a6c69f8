"""Entities: registers, name folding, mentions, and the list/show/check/cooccur answers."""
