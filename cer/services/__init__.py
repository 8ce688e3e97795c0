"""Use cases. Each takes a session (keyword-only) and plain arguments, validates, commits once, and raises
domain errors (`NotFound`, `InvalidRequest`, `Conflict`) that entry points map to exit codes or HTTP codes."""
