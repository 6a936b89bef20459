"""Purchasing, grading and vendor returns (PRODUCT.md → "Purchasing, grading and vendor returns").

Small modules, each one part of the receiving manager's day; every mutating call takes the caller's
Session (one per user action) and returns a frozen result with a `changes` record, every query
returns plain frozen dataclasses (safe to hand across threads):

- `vendors`      add_vendor, list_vendors
- `orders`       parse_line, create_po, place_po, cancel_po, close_po, get_po
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
