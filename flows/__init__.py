"""Prefect flows: workstreams A–G, monitoring and reports. Thin tasks that call `cer.services`."""
