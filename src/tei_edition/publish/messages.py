"""The common layer's ``xsl:message`` output split into coverage figures and warnings,
in a module of its own: an HTML export's worker, handed its document as text, needs
this and not ``publish.run`` (nor the register, collection and lxml modules it loads)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# "TE-COVERAGE {element name} {count} {first line}", from xslt/common/normalize.xsl
_COVERAGE = re.compile(r"^TE-COVERAGE (\S+) (\d+) ?(\d*)$")


@dataclass
class Messages:
    """xsl:message output split into coverage figures and warnings for the user."""

    warnings: list[str] = field(default_factory=list)
    coverage: dict[str, int] = field(default_factory=dict)


def split_messages(messages: list[str], source: str) -> Messages:
    found = Messages()
    for message in messages:
        match = _COVERAGE.match(message)
        if match:
            name, count, line = match.group(1), int(match.group(2)), match.group(3)
            found.coverage[name] = found.coverage.get(name, 0) + count
            where = f"{source}:{line}" if line else source
            found.warnings.append(f"{where}: warning: <{name}> has no rendering rule; "
                                  f"its text is kept ({count}x)")
        else:
            found.warnings.append(f"{source}: warning: {message}")
    return found
