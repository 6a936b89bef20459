"""ShipStation (API v1): orders out to ShipStation, labels and tracking back into RefurbDesk.

- client.py   the ShipStationApi interface and its v1 httpx implementation
- pacing.py   obeying X-Rate-Limit-Remaining / -Reset (40 requests per minute per key)
- dates.py    Pacific time without an offset <-> aware UTC
- errors.py   what can go wrong, each in words a seller can act on
- carriers.py carrier codes -> the name shown to people and sent to Back Market
- secrets.py  KEY:SECRET in the OS keyring (or REFURBDESK_SHIPSTATION_KEY)
- sandbox/    a faithful local ShipStation over HTTP on 127.0.0.1, with admin hooks and faults
"""
