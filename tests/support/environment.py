"""What the machine offers the tests: Chromium, and whether CI requires it or a worker."""

import os
import shutil

BROWSER_PATH = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or ""
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
REQUIRE_WORKER = os.environ.get("REQUIRE_WORKER") == "1"
