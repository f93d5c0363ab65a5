"""Alerts: which subscriptions an item matches, the messages it becomes (in the subscriber's
language), their delivery through e-mail, webhooks and Apprise with retries (the outbox),
digests, reminders, feeds and feedback links.

Not here: the pages and API that manage subscriptions (``service``), the tables (``store``),
classification (``nlp``). Imports ``store``, ``nlp`` and ``translations`` only.
"""
