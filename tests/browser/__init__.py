"""Browser tests: JupyterLab driven by Playwright in Debian chromium (marker: browser)."""
