"""What a gunicorn worker does as it starts (webui.wsgi)."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_what_the_worker_built_to_start_is_left_out_of_the_collectors_full_passes(tmp_path):
    """Else a request now and then waits while the collector walks the whole app again."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/wnf.db"}
    started = subprocess.run(
        [sys.executable, "-c", "import gc, webui.wsgi; print(gc.get_freeze_count())"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr
    assert int(started.stdout.split()[-1]) > 10_000  # the modules and the app, not a few
