"""A real web server on the test site, for tests that talk to the app the way users do: over HTTP.

gunicorn serves the site on 127.0.0.1 (never 0.0.0.0) on a free port with several workers, so parallel
requests really run in parallel and two benches on one machine never collide. Records a test makes must
be committed before the server's processes can see them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import frappe
import requests


def free_port() -> int:
	with socket.socket() as probe:
		probe.bind(("127.0.0.1", 0))
		return probe.getsockname()[1]


def api_token(user: str) -> str:
	"""An Authorization header value for `user` (token auth needs no session or CSRF token)."""
	doc = frappe.get_doc("User", user)
	doc.api_key = frappe.generate_hash(length=15)
	doc.api_secret = frappe.generate_hash(length=15)
	doc.save(ignore_permissions=True)
	return f"token {doc.api_key}:{doc.get_password('api_secret')}"


class LiveSite:
	def __init__(self, workers: int = 4, statics: bool = False):
		"""`statics`: also serve /assets and /files (as `bench serve` does), which a browser needs."""
		self.workers = workers
		self.app = "frappe.app:application_with_statics()" if statics else "frappe.app:application"
		# Tests send requests from threads of their own, where frappe.local (thread-local) has no site.
		self.site = frappe.local.site
		self.port = free_port()
		self.url = f"http://127.0.0.1:{self.port}"
		self.site = frappe.local.site  # request threads have no frappe.local of their own
		self.process = None

	def start(self) -> LiveSite:
		self.process = subprocess.Popen(
			[
				sys.executable,
				"-m",
				"gunicorn",
				"--bind",
				f"127.0.0.1:{self.port}",
				"--workers",
				str(self.workers),
				"--timeout",
				"120",
				self.app,
			],
			cwd=frappe.local.sites_path,
			env={**os.environ, "SITES_PATH": "."},
			stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL,
		)
		deadline = time.monotonic() + 90
		while time.monotonic() < deadline:
			try:
				if self.get("/api/method/ping").ok:
					return self
			except requests.ConnectionError:
				time.sleep(0.3)
		self.stop()
		raise RuntimeError(f"gunicorn did not serve {self.site} within 90 s")

	def stop(self) -> None:
		if self.process:
			self.process.terminate()
			self.process.wait(timeout=30)
			self.process = None

	def headers(self, token: str | None = None) -> dict:
		headers = {"X-Frappe-Site-Name": self.site, "Accept": "application/json"}
		if token:
			headers["Authorization"] = token
		return headers

	def get(self, path: str, token: str | None = None, **params) -> requests.Response:
		return requests.get(f"{self.url}{path}", params=params, headers=self.headers(token), timeout=120)

	def post(self, path: str, token: str | None = None, json=None, **data) -> requests.Response:
		return requests.post(
			f"{self.url}{path}", data=data or None, json=json, headers=self.headers(token), timeout=120
		)

	def put(self, path: str, token: str | None = None, json=None) -> requests.Response:
		return requests.put(f"{self.url}{path}", json=json, headers=self.headers(token), timeout=120)

	def delete(self, path: str, token: str | None = None) -> requests.Response:
		return requests.delete(f"{self.url}{path}", headers=self.headers(token), timeout=120)
