"""Root pytest configuration: tests run with TIAKI_ENV=test (tasks run inline)."""

import os

os.environ.setdefault("TIAKI_ENV", "test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop
