"""The verified figures: the CNSS declarations' counterpart of the declared ones, computed
from the match rows (tracker.verification.matching writes them).

- figures: the verified figures beside the declared ones, by dimension, and the rows
  each one counts (the CNSS page and its drill-downs);
- rollup: their store (VerificationRollup), rebuilt with the match;
- dashboard: the dashboard's "declared beside verified" block, summed from the store.
"""
