"""Platform code every app may use; it imports no app, only the standard library, Django and
third-party packages."""
