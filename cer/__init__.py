"""The cer-toolkit engine: content loading, persistence, services, web app and CLI."""
