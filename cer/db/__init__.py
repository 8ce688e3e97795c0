"""Persistence: SQLModel tables, the engine, and Alembic migrations (`cer db upgrade`)."""
