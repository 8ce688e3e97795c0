"""Journeys through the website in a real browser: Playwright drives Debian's Chromium at `cer serve`."""
