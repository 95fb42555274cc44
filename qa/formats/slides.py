"""PowerPoint decks (.pptx) with python-pptx: each slide's text, cited by its slide number.

A slide's title names its section; its other text boxes are read top to bottom, left to
right (grouped shapes included), each paragraph (a bullet) a passage, a table row its cells
joined by " | ". The speaker notes follow, under "title › Notes". The deck's title is its
title property, or else the first slide's title.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from pptx import Presentation
from pptx.shapes.base import BaseShape
from pptx.slide import Slide

from qa.formats import SECTION_SEPARATOR, DerivedText, LoadedText, check_zip, clean_inline
from qa.formats.text import title_from_file_name
from qa.models import Metadata

# What PowerPoint and python-pptx's template put in a deck nobody titled.
_UNTITLED = frozenset({"", "powerpoint presentation", "presentation"})


def load(data: bytes, path: Path) -> LoadedText:
    check_zip(data, path.name, "a PowerPoint deck")
    deck = Presentation(io.BytesIO(data))
    properties = deck.core_properties
    title = clean_inline(properties.title or "")
    title = "" if title.lower() in _UNTITLED else title
    built = DerivedText()
    for number, slide in enumerate(deck.slides, start=1):
        heading = _slide_title(slide)
        title = title or heading or ""
        built.add(heading or "", paragraph=False)
        for block in _slide_blocks(slide):
            built.add(block, section=heading, page=number)
        if slide.has_notes_slide and (notes := slide.notes_slide.notes_text_frame) is not None:
            section = f"{heading}{SECTION_SEPARATOR}Notes" if heading else "Notes"
            for paragraph in notes.paragraphs:
                built.add(clean_inline(paragraph.text), section=section, page=number)
    metadata = Metadata(author=clean_inline(properties.author or "") or None)
    return built.result(path.name, title or title_from_file_name(path, ""), metadata)


def _slide_title(slide: Slide) -> str | None:
    shape = slide.shapes.title
    return clean_inline(shape.text_frame.text) or None if shape is not None and shape.has_text_frame else None


def _slide_blocks(slide: Slide) -> Iterator[str]:
    title = slide.shapes.title
    title_id = title.shape_id if title is not None else None
    for shape in _in_reading_order(slide.shapes):
        if shape.shape_id == title_id:
            continue
        if shape.has_text_frame:
            for paragraph in shape.text_frame.paragraphs:
                yield clean_inline(paragraph.text)
        elif getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                cells = [clean_inline(cell.text) for cell in row.cells]
                yield " | ".join(cell for cell in cells if cell)


def _in_reading_order(shapes) -> Iterator[BaseShape]:  # noqa: ANN001 - a slide's or a group's shapes
    """Top to bottom, then left to right; a group's shapes in its place."""
    for shape in sorted(shapes, key=lambda s: (s.top or 0, s.left or 0)):
        if hasattr(shape, "shapes"):  # a group
            yield from _in_reading_order(shape.shapes)
        else:
            yield shape
