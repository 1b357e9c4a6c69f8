"""What ``entities cooccur`` finds (``entities.cooccur``), as plain data: the command
line unpickles it from its worker without importing lxml or the corpus reader."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Pair:
    source: str
    source_name: str
    target: str
    target_name: str
    weight: int

    def as_json(self) -> dict:
        return {"source": self.source, "source_name": self.source_name, "target": self.target,
                "target_name": self.target_name, "weight": self.weight}


@dataclass
class Network:
    nodes: list[dict]  # id, label, type, mentions
    pairs: list[Pair]
    not_read: list[str] = field(default_factory=list)  # malformed files, located errors
