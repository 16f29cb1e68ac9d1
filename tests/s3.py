"""A real S3-compatible HTTP server on loopback for the tests: moto's server mode, started as a
subprocess (``python -m moto.server``), as a deployment would reach MinIO or AWS S3 over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

ACCESS_KEY = "conference-test"
SECRET_KEY = "conference-test-secret"
REGION = "us-east-1"
BUCKET = "conference-uploads"


class S3Server:
    def __init__(self, port: int):
        self.port = port
        self.endpoint_url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> S3Server:
        env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
        self.process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    error = self.process.stderr.read().decode() if self.process.poll() is not None else "timed out"
                    self.stop()
                    raise RuntimeError(f"the S3 server (moto) did not start: {error}") from None
                time.sleep(0.05)
        self.client().create_bucket(Bucket=BUCKET)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint_url, region_name=REGION, aws_access_key_id=ACCESS_KEY,
                            aws_secret_access_key=SECRET_KEY)

    def settings(self, prefix: str) -> dict:
        """The app's settings for this server's bucket, under ``prefix``."""
        return {"STORAGE_BACKEND": "s3", "S3_BUCKET": BUCKET, "S3_PREFIX": prefix, "S3_ENDPOINT_URL": self.endpoint_url,
                "S3_REGION": REGION, "S3_ACCESS_KEY_ID": ACCESS_KEY, "S3_SECRET_ACCESS_KEY": SECRET_KEY,
                "S3_PRESIGNED_DOWNLOADS": False}

    def keys(self, prefix: str) -> list[str]:
        """Every key under ``prefix``, without it, sorted."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        return sorted(item["Key"][len(prefix):] for page in pages for item in page.get("Contents", []))
