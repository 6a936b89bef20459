"""The words of the guide: a temp worker's first shift, one role at a time."""

from __future__ import annotations

WORKFLOWS = {
    "Receiver": """
<h3>Receiving devices</h3>
<ol>
<li>Open <b>Inventory → Receive</b>.</li>
<li>Choose the <b>product</b> (type a few letters of its name), then the <b>grade</b>, any <b>conditions</b>,
the <b>status</b> and the <b>warehouse</b>. These stay chosen for every scan that follows.</li>
<li><b>Scan the IMEI</b> (or serial). A green line means the unit is in stock; a red line says what is wrong
and nothing was saved — fix it and scan again.</li>
<li>Tick <b>Print a label for each unit</b> to get a label as each device is received; stick it on.</li>
<li>When the next devices are a different model or grade, change the choice first, then keep scanning.</li>
</ol>
<p>Moving stock: <b>Inventory → Move</b>, choose where it goes, scan each unit.<br>
Looking a unit up: scan it on any tab — its details open.</p>
""",
    "Packer": """
<h3>Packing orders</h3>
<ol>
<li>Open <b>Packing</b>. The open orders are listed; scan the <b>order number</b> (from any tab) or pick one.</li>
<li><b>Scan each device</b> for the order. Green: it is on the order. Red: the banner says why (wrong
model, wrong grade, not available) — put that device back.</li>
<li>Made a mistake? <b>Ctrl+Z</b> takes the last scan off the order.</li>
<li><b>Ctrl+P</b> prints the packing slip.</li>
<li>When every line is scanned, scan the carrier's <b>tracking barcode</b> (or press <b>F9</b>) to ship.
The order and its units are marked shipped; Back Market is told.</li>
</ol>
<p>You never need the mouse: <b>Tab</b> moves between buttons, the keys above press them.</p>
""",
    "Manager": """
<h3>Running the day</h3>
<ul>
<li><b>Catalog</b>: every variation (product × grade × conditions) with its SKU and its units by status.</li>
<li><b>Back Market</b>: listings and how they map to your stock, sync health (last run, warnings,
records set aside), and the messages that need attention. <b>Sync now</b> runs a cycle at once.</li>
<li><b>File → Settings</b>: the lists (grades, conditions, statuses, warehouses, order statuses), the SKU rule,
this station's scanner and printer, and the users (admins only).</li>
<li><b>File → Import / Export inventory CSV</b> to load or back up stock in bulk.</li>
<li>Quantities are pushed to Back Market within seconds of a change; orders come in on every sync cycle.</li>
</ul>
<p>Something went wrong? The <b>Files</b> page says where the log is — send it to whoever supports you.</p>
""",
}

LOCATIONS_INTRO = ("RefurbDesk writes a log of what it did (secrets are never written). The database holds the "
                   "stock, orders and settings every station shares.")
