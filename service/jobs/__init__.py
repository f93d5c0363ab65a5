"""Periodic jobs, one module per concern; each has ``schedule(scheduler, settings)``."""
