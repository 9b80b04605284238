"""Container health check: exit 0 when Streamlit's /_stcore/health answers "ok".

Reads the port from STREAMLIT_SERVER_PORT (Streamlit's own setting), 8501 by default.
"""

import os
import sys
import urllib.request

port = os.environ.get("STREAMLIT_SERVER_PORT", "8501")
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=4) as resp:
        sys.exit(0 if resp.read() == b"ok" else 1)
except OSError:
    sys.exit(1)
