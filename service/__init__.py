"""The service: FastAPI API (``service.api``) and pages (``service.web``), authentication and
permissions, the scheduler and its jobs, and the ``tbtwatch`` CLI; each use case is one
function below pages, API and CLI (``service.intelligence``, ``service.triage``, …).

Not here: the tables and queries (``store``), matching and delivery (``alerts``),
classification (``nlp``). Nothing else imports ``service``.
"""
