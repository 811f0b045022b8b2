"""A small reader for gettext .po catalogues, enough for the tests to check the translations.

Reads the header, comments and flags (``#, fuzzy, python-format``), ``msgctxt``, ``msgid``,
``msgid_plural``, ``msgstr`` and ``msgstr[N]``, with strings continued over several lines.
Obsolete entries (``#~``) are kept apart: msgfmt leaves them out of the .mo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')

# %(name)s, %s, %5.2f, %% in python-format strings; {name} in python-brace-format ones.
_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
_NAMED_PERCENT = re.compile(r"%\([^)]*\)[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
_BRACE = re.compile(r"\{[A-Za-z_0-9.\[\]]*(?:![rsa])?(?::[^{}]*)?\}")


@dataclass(frozen=True)
class PoEntry:
    msgid: str
    msgstrs: tuple[str, ...]
    msgctxt: str | None = None
    msgid_plural: str | None = None
    flags: frozenset[str] = frozenset()
    line: int = 0

    @property
    def is_plural(self) -> bool:
        return self.msgid_plural is not None

    @property
    def is_fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def key(self) -> str:
        """The key of the entry in a compiled catalogue: ``context\\x04msgid`` or ``msgid``."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid[:60]!r}"


@dataclass
class PoCatalogue:
    header: dict[str, str]
    entries: list[PoEntry]
    obsolete: int = 0

    @property
    def keys(self) -> set[str]:
        return {entry.key for entry in self.entries}


@dataclass
class _Pending:
    line: int = 0
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)
    plural_forms: dict[int, str] = field(default_factory=dict)
    current: tuple[str, int | None] | None = None

    @property
    def started(self) -> bool:
        return bool(self.fields or self.plural_forms)

    def append(self, text: str) -> None:
        name, index = self.current  # type: ignore[misc]
        if index is None:
            self.fields[name] += text
        else:
            self.plural_forms[index] += text

    def entry(self) -> PoEntry:
        if self.plural_forms:
            msgstrs = tuple(self.plural_forms[index] for index in sorted(self.plural_forms))
        else:
            msgstrs = (self.fields.get("msgstr", ""),)
        return PoEntry(
            msgid=self.fields.get("msgid", ""), msgstrs=msgstrs, msgctxt=self.fields.get("msgctxt"),
            msgid_plural=self.fields.get("msgid_plural"), flags=frozenset(self.flags), line=self.line,
        )


def po_string_unquote(quoted: str) -> str:
    """``"a \\"b\\"\\n"`` -> ``a "b"`` and a newline."""
    body = quoted.strip()[1:-1]
    return re.sub(r"\\(.)", lambda match: _ESCAPES.get(match.group(1), match.group(1)), body)


def po_catalogue_read(*, path: Path) -> PoCatalogue:
    entries: list[PoEntry] = []
    obsolete = 0
    pending = _Pending()

    def flush() -> None:
        nonlocal pending
        if pending.started:
            entries.append(pending.entry())
        pending = _Pending()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#~"):
            obsolete += line.startswith("#~ msgid ")
        elif line.startswith("#"):
            if pending.started:
                flush()
            if line.startswith("#,"):
                pending.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif line.startswith('"'):
            pending.append(po_string_unquote(line))
        else:
            match = _KEYWORD.match(line)
            if match is None:
                raise ValueError(f"{path}:{number}: cannot read {raw!r}")
            keyword, index, quoted = match.groups()
            if keyword in {"msgctxt", "msgid"} and "msgid" in pending.fields:
                flush()
            pending.line = pending.line or number
            if index is not None:
                pending.plural_forms[int(index)] = po_string_unquote(quoted)
                pending.current = ("msgstr", int(index))
            else:
                pending.fields[keyword] = po_string_unquote(quoted)
                pending.current = (keyword, None)
    flush()

    header_entries = [entry for entry in entries if entry.msgid == "" and entry.msgctxt is None]
    header = _header_fields(header_entries[0].msgstrs[0]) if header_entries else {}
    messages = [entry for entry in entries if entry not in header_entries]
    return PoCatalogue(header=header, entries=messages, obsolete=obsolete)


def _header_fields(text: str) -> dict[str, str]:
    pairs = (line.split(":", 1) for line in text.splitlines() if ":" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def po_placeholders(*, text: str, flags: frozenset[str]) -> set[str]:
    """The placeholders a translation must keep: every conversion in a python-format string
    (``%%`` too), else only named ones; and every ``{name}`` field."""
    found = set(_PERCENT.findall(text) if "python-format" in flags else _NAMED_PERCENT.findall(text))
    return found | set(_BRACE.findall(text))
