"""Readers for plain text, Markdown and reStructuredText."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from animagenius.pipeline.domain import Block, Provenance, SourceDocument
from animagenius.pipeline.errors import UnsupportedFormat

Flavour = Literal["plain", "markdown", "rst"]
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def decode(raw: bytes, *, name: str) -> str:
    """Decode text bytes; refuse binary data that is not text at all."""
    if b"\x00" in raw[:8192]:
        raise UnsupportedFormat(
            f"{name} is a binary file, not text; upload Markdown, reStructuredText, plain text or PDF"
        )
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = raw.decode("cp1252", errors="replace")
    if len(_CONTROL.findall(content[:8192])) > 8:
        raise UnsupportedFormat(
            f"{name} does not look like text; upload Markdown, reStructuredText, plain text or PDF"
        )
    return content.replace("\r\n", "\n").replace("\r", "\n")


def read(content: str, *, flavour: Flavour, name: str) -> SourceDocument:
    readers = {"plain": read_plain, "markdown": read_markdown, "rst": read_rst}
    return readers[flavour](content, name=name)


def document_from(blocks: list[Block], *, name: str, title: str | None = None) -> SourceDocument:
    heading = next((block.text for block in blocks if block.kind == "heading"), None)
    return SourceDocument(title=title or heading or _title_from_name(name), blocks=tuple(blocks))


def _title_from_name(name: str) -> str:
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return re.sub(r"[-_]+", " ", stem).strip().capitalize() or "Untitled"


def clean_inline(text: str) -> str:
    """Collapse whitespace and undo typographic ligatures (ﬁ → fi) so words stay searchable and speakable."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def table_text(rows: Sequence[Sequence[str]]) -> str:
    """A table's readable text: one line per row, cells separated by bars."""
    return "\n".join(" | ".join(row) for row in rows)


# ---------------------------------------------------------------- plain text


def read_plain(content: str, *, name: str) -> SourceDocument:
    """Paragraphs are separated by blank lines; a short first line without a full stop is the title."""
    source = Provenance(file=name)
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", content):
        text = clean_inline(chunk)
        if not text:
            continue
        looks_like_heading = len(text) < 80 and "\n" not in chunk.strip() and not text.endswith((".", ":"))
        kind: Literal["heading", "paragraph"] = "heading" if looks_like_heading else "paragraph"
        blocks.append(Block(kind=kind, text=text, level=1 if kind == "heading" else 0, source=source))
    return document_from(blocks, name=name)


# ---------------------------------------------------------------- Markdown


_MARKDOWN = MarkdownIt("commonmark").enable("table")


def read_markdown(content: str, *, name: str) -> SourceDocument:
    source = Provenance(file=name)
    blocks: list[Block] = []
    tokens = _MARKDOWN.parse(content)
    list_depth = 0
    table: list[list[str]] | None = None
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            table = []
        elif token.type == "tr_open" and table is not None:
            table.append([])
        elif (
            token.type == "inline" and table is not None and tokens[index - 1].type in ("th_open", "td_open")
        ):
            table[-1].append(clean_inline(_inline_text(token)))
        elif token.type == "table_close" and table is not None:
            rows = tuple(tuple(row) for row in table if any(row))
            if rows:
                blocks.append(Block(kind="table", text=table_text(rows), rows=rows, source=source))
            table = None
        elif token.type in ("fence", "code_block") and token.content.strip():
            blocks.append(Block(kind="code", text=token.content.rstrip("\n"), source=source))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif token.type == "inline" and index > 0:
            opener = tokens[index - 1]
            text = clean_inline(_inline_text(token))
            if not text:
                continue
            if opener.type == "heading_open":
                blocks.append(Block(kind="heading", text=text, level=int(opener.tag[1]), source=source))
            elif opener.type == "paragraph_open":
                kind: Literal["paragraph", "list_item"] = "list_item" if list_depth else "paragraph"
                blocks.append(Block(kind=kind, text=text, source=source))
    return document_from(blocks, name=name)


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


# ---------------------------------------------------------------- reStructuredText

_ADORNMENT = re.compile(r"^([=\-~^\"'`#*+:.])\1{2,}\s*$")
_FIELD = re.compile(r"^([A-Za-z][\w-]*):\s+(.*)$")
_LIST_ITEM = re.compile(r"^(?:[*+-]|\d+[.)]|#\.)\s+")
_PROSE_LITERALS = {"", "text", "none"}


def read_rst(content: str, *, name: str) -> SourceDocument:
    """A pragmatic reader: sections, paragraphs, lists, prose literal blocks and code listings (kept as code
    blocks: shown, never read aloud)."""
    lines = content.split("\n")
    fields, start = _rfc822_header(lines)
    source = Provenance(file=name)
    levels: list[str] = []
    blocks: list[Block] = []
    for kind, text, adornment in _rst_chunks(lines[start:]):
        text = text if kind == "code" else _strip_rst_markup(text)
        if not text:
            continue
        if kind == "heading":
            if adornment not in levels:
                levels.append(adornment)
            blocks.append(Block(kind="heading", text=text, level=levels.index(adornment) + 1, source=source))
        else:
            blocks.append(Block(kind=kind, text=text, source=source))
    return document_from(blocks, name=name, title=fields.get("title"))


def _rfc822_header(lines: list[str]) -> tuple[dict[str, str], int]:
    """PEP-style `Field: value` lines at the very top of the file."""
    fields: dict[str, str] = {}
    for number, line in enumerate(lines):
        if not line.strip():
            return (fields, number) if fields else ({}, 0)
        match = _FIELD.match(line)
        if match:
            fields[match.group(1).lower()] = match.group(2).strip()
        elif not line.startswith((" ", "\t")):
            return {}, 0
    return fields, len(lines)


_RstKind = Literal["heading", "paragraph", "list_item", "code"]


def _rst_chunks(lines: list[str]) -> Iterator[tuple[_RstKind, str, str]]:
    number = 0
    while number < len(lines):
        line = lines[number]
        stripped = line.strip()
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if not stripped or (_ADORNMENT.match(stripped) and not following.strip()):
            number += 1
        elif _ADORNMENT.match(stripped) and number + 2 < len(lines) and _ADORNMENT.match(lines[number + 2]):
            yield "heading", following.strip(), stripped[0] * 2
            number += 3
        elif _ADORNMENT.match(following.strip()) and len(following.strip()) >= len(stripped) > 0:
            yield "heading", stripped, following.strip()[0]
            number += 2
        elif stripped.startswith(".. "):
            directive = stripped[3:]
            language = directive.partition("::")[2].strip().lower()
            if directive.startswith(("code-block::", "code::")):
                literal, number = _literal_body(lines, number + 1)
                if language in _PROSE_LITERALS:
                    for text in literal.split("\n"):
                        yield "list_item", text.strip(), ""
                elif literal:
                    yield "code", literal, ""
            else:
                _, number = _indented_body(lines, number + 1)
        elif line.startswith((" ", "\t")):
            _, number = _indented_body(lines, number)
        else:
            paragraph, literal, number = _paragraph(lines, number)
            kind: Literal["paragraph", "list_item"] = (
                "list_item" if _LIST_ITEM.match(paragraph) else "paragraph"
            )
            yield kind, _LIST_ITEM.sub("", paragraph), ""
            if literal:
                yield "code", literal, ""


def _indented_body(lines: list[str], number: int) -> tuple[list[str], int]:
    body: list[str] = []
    while number < len(lines) and (not lines[number].strip() or lines[number].startswith((" ", "\t"))):
        if lines[number].strip() and not lines[number].strip().startswith(":"):
            body.append(lines[number].strip())
        number += 1
    return body, number


def _literal_body(lines: list[str], number: int) -> tuple[str, int]:
    """An indented literal block (code after "::" or in a code directive), dedented, options dropped."""
    body, number = _indented_lines(lines, number)
    while body and body[0].strip().startswith(":"):  # directive options such as ":linenos:"
        body.pop(0)
    indent = min((_indent(line) for line in body if line.strip()), default=0)
    return "\n".join(line[indent:] for line in body).strip("\n"), number


def _indented_lines(lines: list[str], number: int) -> tuple[list[str], int]:
    """Lines indented at least as deep as the first one (a list item's prose after its code ends it)."""
    body: list[str] = []
    depth = next((_indent(line) for line in lines[number:] if line.strip()), 0)
    while number < len(lines) and (not lines[number].strip() or _indent(lines[number]) >= max(depth, 1)):
        body.append(lines[number].rstrip())
        number += 1
    while body and not body[-1]:
        body.pop()
    return body, number


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _paragraph(lines: list[str], number: int) -> tuple[str, str, int]:
    """A paragraph, or a list item with its continuation lines (indented to the item's text), and the
    literal block it introduces with "::", if any."""
    marker = _LIST_ITEM.match(lines[number])
    hanging = " " * len(marker.group(0)) if marker else None
    parts: list[str] = []
    while number < len(lines) and lines[number].strip():
        line = lines[number]
        if parts and line.startswith((" ", "\t")) and not (hanging and line.startswith(hanging)):
            break
        parts.append(line.strip())
        number += 1
    text = " ".join(parts)
    literal = ""
    if text.endswith("::"):
        text = text[:-1]
        while number < len(lines) and not lines[number].strip():
            number += 1
        if number < len(lines) and lines[number].startswith((" ", "\t")):
            literal, number = _literal_body(lines, number)
    return text, literal, number


def _strip_rst_markup(text: str) -> str:
    text = re.sub(r"`([^`<]+?)\s*<[^>]+>`_{1,2}", r"\1", text)  # `label <url>`_
    text = re.sub(r":(pep|rfc):`(\d+)(?:#[^`]*)?`", lambda m: f"{m[1].upper()} {m[2]}", text)  # :pep:`8`
    text = re.sub(r":[\w:-]+:`([^`<]+?)\s*<[^>]*>`", r"\1", text)  # :pep:`the C style guide <7>`
    text = re.sub(r":[\w:-]+:`([^`]+)`", r"\1", text)  # :role:`x`
    text = re.sub(r"``([^`]+)``", r"\1", text)
    text = re.sub(r"`([^`]+)`_{0,2}", r"\1", text)
    text = re.sub(r"\*\*?([^*]+)\*\*?", r"\1", text)
    text = re.sub(r"\[#?\w*\]_", "", text)
    return clean_inline(text)
