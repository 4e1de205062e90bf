"""Everything printed: page sizes, the PDF toolkit, the custodian sheet, logbook, checklist and audit report.

All wording people read comes from templates/ through wording.py.
"""
