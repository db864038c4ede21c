"""Chinese entity extraction for the blue-economy knowledge graph.

Public entry points:

- :func:`extract` turns a document's text into an
  :class:`~bluecarbon.model.Extraction` (entities with aliases, status,
  industries and evidence offsets into the given text; relations;
  document facts).
- :func:`read_input` reads a text or HTML file for ``bluecarbon extract``.
- :mod:`nlp.evaluate` scores extraction against gold annotations.

Only this package imports spaCy and jieba.
"""

from __future__ import annotations

from nlp.extract import EXTRACTOR_VERSION, extract
from nlp.reader import read_input

__all__ = ["EXTRACTOR_VERSION", "extract", "read_input"]
