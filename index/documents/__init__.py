"""Bytes of a document to text with places: the readers (.txt/.md, .pdf with its column
layout, .docx, .html, images by OCR), a link fetched, and why a file cannot be read.

Hands on `places.Reading` (the text, and where each line was on its page) to index.passages.
"""
