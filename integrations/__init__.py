"""Outside services WorkFuse calls (DESIGN §11): one package per service, listed in
`integrations/registry.py`; docs/integrations.md shows how to add one.

This app sits just above `workfuse/lib` and below every other app: it imports only
`workfuse.lib`, pydantic, httpx and Django's settings.
"""
