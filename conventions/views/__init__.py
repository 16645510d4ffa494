"""Pages of the conventions app: partners, conventions (list, detail, drafting,
documents, amendments, workflow) and the admins' review queue."""
