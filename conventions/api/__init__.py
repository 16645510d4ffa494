"""API of the conventions app: conventions with their commitments, and reference data."""
