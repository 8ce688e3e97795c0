"""The website: server-rendered pages (FastAPI + Jinja2) and a JSON API under /api."""
