"""The CER framework: the nine steps, their main actions and workstreams A–G (pure domain, no I/O)."""
