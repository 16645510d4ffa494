"""The CNSS declarations import: the answer file the CNSS sends back, imported by admins
through the same stages as partners' files (upload -> validate -> preview -> confirm ->
commit, or cancel); its commit marks the match stale (tracker.verification.state).

- layout: the answer file's columns and header matching;
- rows: one row's cells parsed and its problems reported;
- services: the stages (their tasks are in tracker.imports.tasks);
- views, urls: the declarations import's pages (under verification/declarations/).
"""
