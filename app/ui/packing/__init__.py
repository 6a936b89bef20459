"""The packing station: open orders on the left, the open order with its scan verdicts on the right."""
