"""The share format as code (docs/FORMAT.md is its specification): bytes <-> shares <-> QR texts and typed lines.

Pure: no files, no paper, no scanning, no clock. A second reader of the format needs only this folder and
docs/FORMAT.md.
"""
