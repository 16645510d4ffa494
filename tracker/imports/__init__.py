"""Bulk import of enrollments and hires from partners' spreadsheets.

- columns: the expected columns (French headers), header matching, allowed values;
- formats: refusing bad files before parsing, then streaming rows of CSV and XLSX;
- validation: every row through tracker.rules, and the set-based database checks;
- commit: writing a validated file in one transaction, with the change history;
- templates: the downloadable XLSX / CSV templates; annotate: the file with its errors.
- services: the stages (upload, validate, confirm, commit, cancel); tasks: the Celery
  tasks that run validation and commit; api_batch: the API's batch writes through the
  same validation; views, urls: the imports pages; selectors: what a user may list.
- declarations: the CNSS declarations (answer) file, imported by admins through the
  same stages (its layout, its rows, its services, its pages).
"""
