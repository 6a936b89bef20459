"""Remote services the app talks to, one package each (client, sandbox, rules and sync steps together).

Shared machinery — the lease, the outbox, pending pushes, the cycle runner, rate pacing — stays in
app/sync and is used from here; nothing in app/domain imports an integration.
"""
