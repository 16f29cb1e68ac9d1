"""Rate-limit counters live in Redis when it is configured, so all app processes share them.

Runs in a subprocess: the limiter is a process-wide extension and the rest of the suite uses
in-memory counters.
"""

import os
import subprocess
import sys
import textwrap
import uuid

from ..conftest import REDIS_URL, redis_or_skip


def test_login_limits_count_in_redis_per_account_and_per_address(tmp_path):
    client = redis_or_skip()
    prefix = f"conftest-{uuid.uuid4().hex[:8]}"
    script = textwrap.dedent(f"""
        from flask_migrate import upgrade
        from conference import create_app
        from tests.conftest import make_test_config

        config = make_test_config("sqlite:///{tmp_path}/rl.sqlite", __import__("pathlib").Path("{tmp_path}"))
        config.update(RATELIMIT_STORAGE_URI="{REDIS_URL}", RATELIMIT_KEY_PREFIX="{prefix}")
        app = create_app(config)
        with app.app_context():
            upgrade()
        client = app.test_client()
        # One account from eleven addresses: refused the eleventh time all the same.
        codes = [client.post("/auth/login", data={{"email": "a@example.org", "password": "wrong password"}},
                             environ_base={{"REMOTE_ADDR": f"203.0.113.{{n}}"}}).status_code for n in range(11)]
        # Thirty accounts from one shared address: none refused.
        shared = [client.post("/auth/login", data={{"email": f"p{{n}}@example.org", "password": "wrong password"}},
                              environ_base={{"REMOTE_ADDR": "198.51.100.20"}}).status_code for n in range(30)]
        print(codes, shared)
    """)
    try:
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                                cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == f"{[200] * 10 + [429]} {[200] * 30}"
        assert client.keys(f"*{prefix}*"), "no rate-limit counters were written to Redis"
    finally:
        for key in client.keys(f"*{prefix}*"):
            client.delete(key)
