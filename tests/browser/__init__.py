"""Browser tests: the console in real headless Chromium against a live server."""
