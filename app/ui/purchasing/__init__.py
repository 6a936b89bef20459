"""Purchasing, grading and vendor returns in the GUI: purchase orders and vendors, the receiving
scan screen, diagnostics import with a column-mapping preview, vendor RMAs and reports with charts.
Every page calls app.domain.purchasing on the task runner; nothing here builds SQL."""
