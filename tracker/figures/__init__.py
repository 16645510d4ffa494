"""Reading the figures: their definitions (DESIGN.md, "The figures, defined"), the
selectors the dashboard and the convention / cohort pages read them through, the
commitments they are measured against, and the SVG charts that draw them; computing
them (rollups, the rollup queue and its tasks); and showing them (dashboard, figure
views, urls). The verified figures, counted from the CNSS declarations' match, and their
store and dashboard block are tracker.figures.verified."""
