"""The roles an account may have (what each may do: ``service.security.PERMISSIONS``); apart
from the tables so that a quick command can name them without importing the ORM."""

ROLES = ("exporter", "staff", "embassy", "admin")
