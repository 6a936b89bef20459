"""Purchasing, grading and vendor returns (PRODUCT.md → "Purchasing, grading and vendor returns").

Small modules, each one part of the receiving manager's day; every mutating call takes the caller's
Session (one per user action, opened by the caller) and returns a `Changes` record or a frozen
result carrying one in `.changes`; every query returns plain frozen dataclasses (safe to hand across
threads). Refusals raise DomainError subclasses whose `str()` is the one-line message and whose
`reason` names the check (receiving.verdict_of turns one into green / amber / red):

- `vendors`      add_vendor, list_vendors
- `orders`       parse_line, create_po, place_po, cancel_po, close_po
- `manifest`     import_manifest (all or nothing, every bad row listed)
- `receiving`    receive_scan (green / amber / red), verdict_of, line_counts, line_id_for, codes_from_csv
- `landed`       add_landed_cost (spread equally or by cost)
- `diagnostics_columns`  diagnostics_preview, suggest_mapping (another tool's headers → ours)
- `diagnostics`  import_diagnostics (all or nothing)
- `rma`          create_rma, add_to_rma, remove_from_rma, approve_rma, open_rma_of
- `rma_flow`     ship_rma, resolve_rma_line (RESOLUTIONS)
- `views`        po_view, list_pos, rma_view, list_rmas
- `reports`      stock_value, aging, vendor_report, po_progress
- `label_data`   receiving_label_data, rma_packing_list_data
"""
