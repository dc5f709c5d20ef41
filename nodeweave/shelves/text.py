"""Text: constants, templates, splitting and joining, case, search and regular expressions."""

from __future__ import annotations

import re
import string
from typing import Annotated, Any, Literal

from nodeweave.core.library import Shelf
from nodeweave.core.schema import Input
from nodeweave.core.spec import node

LongText = Annotated[str, Input(widget="textarea")]
Pattern = Annotated[str, Input(description="a Python regular expression")]
IgnoreCase = Annotated[bool, Input(description="match letters regardless of case")]
CaseOp = Literal["upper", "lower", "title", "capitalize", "swapcase", "casefold"]
StripSide = Literal["both", "left", "right"]


def _compile(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc


# --- constants and templates ----------------------------------------------------------------


@node(id="text.constant", name="Text")
def constant(value: LongText = "") -> str:
    """A piece of text typed in by hand."""
    return value


@node(id="text.format", name="Format")
def format_text(
    template: Annotated[
        str, Input(widget="textarea", description="text with {name} placeholders")
    ] = "Hello, world!",
    values: dict[str, Any] | None = None,
) -> str:
    """Fill the {name} placeholders of a template from a dict of values."""
    mapping = values or {}
    try:
        return template.format_map(mapping)
    except KeyError as exc:
        key = exc.args[0] if exc.args else "?"
        given = ", ".join(repr(k) for k in mapping) or "none"
        raise KeyError(
            f"the template needs a value for {key!r}, which is not among the values ({given})"
        ) from None
    except (ValueError, IndexError, AttributeError) as exc:
        raise ValueError(f"cannot fill the template {template!r}: {exc}") from exc


@node(id="text.placeholders", name="Placeholders")
def placeholders(template: LongText = "") -> list[str]:
    """The distinct {name} placeholders a template uses, in order of appearance."""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise ValueError(f"malformed template {template!r}: {exc}") from exc
    names = [re.split(r"[.\[!:]", f, maxsplit=1)[0] for f in fields]
    return list(dict.fromkeys(names))


# --- splitting and joining ------------------------------------------------------------------


@node(id="text.split", name="Split")
def split(
    text: str = "",
    sep: Annotated[str, Input(description="separator; empty splits on whitespace")] = ",",
    maxsplit: Annotated[int, Input(min=-1, description="-1 for no limit")] = -1,
) -> list[str]:
    """Split text into a list of parts at each separator."""
    return text.split(sep or None, maxsplit)


@node(id="text.join", name="Join")
def join(items: list[Any], sep: str = ", ") -> str:
    """Join the items (as text) into one piece of text with a separator between them."""
    return sep.join(item if isinstance(item, str) else str(item) for item in items)


@node(id="text.lines", name="Lines")
def lines(text: LongText = "", skip_empty: bool = False) -> list[str]:
    """Split text into its lines."""
    out = text.splitlines()
    return [line for line in out if line.strip()] if skip_empty else out


# --- transformations ------------------------------------------------------------------------


@node(id="text.replace", name="Replace")
def replace(
    text: str = "",
    old: str = "",
    new: str = "",
    count: Annotated[int, Input(min=-1, description="-1 replaces every occurrence")] = -1,
) -> str:
    """Replace occurrences of old with new (empty old leaves the text unchanged)."""
    if not old:
        return text
    return text.replace(old, new, count)


@node(id="text.case", name="Change Case")
def change_case(text: str = "", op: CaseOp = "lower") -> str:
    """Change the case of text: upper, lower, title, capitalize, swapcase or casefold."""
    methods = {
        "upper": str.upper,
        "lower": str.lower,
        "title": str.title,
        "capitalize": str.capitalize,
        "swapcase": str.swapcase,
        "casefold": str.casefold,
    }
    try:
        return methods[op](text)
    except KeyError:
        raise ValueError(f"unknown case operation {op!r}; use one of {list(methods)}") from None


@node(id="text.strip", name="Strip")
def strip_text(
    text: str = "",
    chars: Annotated[str, Input(description="characters to remove; empty for whitespace")] = "",
    side: StripSide = "both",
) -> str:
    """Remove whitespace (or the given characters) from the ends of text."""
    if side == "left":
        return text.lstrip(chars or None)
    if side == "right":
        return text.rstrip(chars or None)
    return text.strip(chars or None)


# --- inspection -----------------------------------------------------------------------------


@node(id="text.length", name="Text Length")
def length(text: str = "") -> int:
    """The number of characters in text."""
    return len(text)


@node(id="text.contains", name="Contains")
def contains(text: str = "", sub: str = "", ignore_case: IgnoreCase = False) -> bool:
    """Whether text contains sub."""
    if ignore_case:
        return sub.casefold() in text.casefold()
    return sub in text


@node(id="text.starts_with", name="Starts With")
def starts_with(text: str = "", prefix: str = "", ignore_case: IgnoreCase = False) -> bool:
    """Whether text begins with prefix."""
    if ignore_case:
        return text.casefold().startswith(prefix.casefold())
    return text.startswith(prefix)


@node(id="text.ends_with", name="Ends With")
def ends_with(text: str = "", suffix: str = "", ignore_case: IgnoreCase = False) -> bool:
    """Whether text ends with suffix."""
    if ignore_case:
        return text.casefold().endswith(suffix.casefold())
    return text.endswith(suffix)


# --- regular expressions --------------------------------------------------------------------


@node(id="text.regex_match", name="Regex Match")
def regex_match(
    text: str = "",
    pattern: Pattern = "",
    mode: Literal["search", "match", "fullmatch"] = "search",
    ignore_case: IgnoreCase = False,
) -> list[str | None] | None:
    """The first match of a pattern as [whole match, group 1, group 2, …], or None."""
    rx = _compile(pattern, ignore_case)
    finder = {"search": rx.search, "match": rx.match, "fullmatch": rx.fullmatch}[mode]
    found = finder(text)
    if found is None:
        return None
    return [found.group(0), *found.groups()]


@node(id="text.regex_find_all", name="Regex Find All")
def regex_find_all(
    text: str = "",
    pattern: Pattern = "",
    ignore_case: IgnoreCase = False,
) -> list[Any]:
    """Every match of a pattern: whole matches, or lists of groups if it has several groups."""
    rx = _compile(pattern, ignore_case)
    return [list(m) if isinstance(m, tuple) else m for m in rx.findall(text)]


@node(id="text.regex_substitute", name="Regex Substitute")
def regex_substitute(
    text: str = "",
    pattern: Pattern = "",
    repl: Annotated[str, Input(description=r"replacement; \1 or \g<name> insert groups")] = "",
    count: Annotated[int, Input(min=0, description="0 replaces every match")] = 0,
    ignore_case: IgnoreCase = False,
) -> str:
    """Replace the matches of a pattern with a replacement (which may refer to groups)."""
    rx = _compile(pattern, ignore_case)
    try:
        return rx.sub(repl, text, count=count)
    except re.error as exc:
        raise ValueError(f"invalid replacement {repl!r}: {exc}") from exc


NODE_SHELF = Shelf(
    name="text",
    description="Text: templates, splitting and joining, case, search and regular expressions.",
    nodes=[
        constant,
        format_text,
        placeholders,
        split,
        join,
        lines,
        replace,
        change_case,
        strip_text,
        length,
        contains,
        starts_with,
        ends_with,
        regex_match,
        regex_find_all,
        regex_substitute,
    ],
)
