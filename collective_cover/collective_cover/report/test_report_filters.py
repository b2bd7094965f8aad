"""Every report and dashboard chart source opens with its filters: their shared definitions
(public/js/report_filters.js) reach Desk in the bundle hooks.py names, built by `bench build`, and each
report's and chart source's script, run after that bundle as Desk runs it, yields its filters."""

import json
import os
import shutil
import subprocess

import frappe
from frappe.tests.utils import FrappeTestCase

from collective_cover.boot import boot_session

TODAY = "2026-12-02"
ROLES = ["", "Resident", "Fellow", "Faculty", "APP", "Nurse"]
PROGRAM = ["program", "Residency Program", "Link", "Residency Program", 0, None]
POOL = ["pool", "Jeopardy Pool", "Link", "Jeopardy Pool", 0, None]
FROM_DATE = ["from_date", "From Date", "Date", None, 0, None]
TO_DATE = ["to_date", "To Date", "Date", None, 0, TODAY]
ROLE = ["role", "Role", "Select", ROLES, 0, None]

# Desk's globals as far as the scripts touch them; `__` translates, the report's programme filter is "P",
# `frappe.boot` is what boot.py sends with the session.
RUN_SCRIPTS = """
const vm = require("vm");
const fs = require("fs");
const { today, boot, files } = JSON.parse(process.argv[1]);
const sandbox = {
	__: (text) => text,
	frappe: {
		provide(name) {
			name.split(".").reduce((parent, key) => (parent[key] = parent[key] || {}), sandbox);
		},
		datetime: { get_today: () => today },
		boot,
		query_reports: {},
		query_report: { get_filter_value: (fieldname) => (fieldname === "program" ? "P" : "") },
	},
};
vm.createContext(sandbox);
for (const file of files) vm.runInContext(fs.readFileSync(file, "utf8"), sandbox, { filename: file });
const describe = (filters) =>
	filters.map((f) => ({
		definition: [f.fieldname, f.label, f.fieldtype, f.options ?? null, f.reqd ?? 0, f.default || null],
		query: f.get_query ? f.get_query() : null,
	}));
const out = {};
for (const [name, report] of Object.entries(sandbox.frappe.query_reports)) out[name] = describe(report.filters);
for (const [name, source] of Object.entries(sandbox.frappe.dashboards.chart_sources)) out[name] = describe(source.filters);
console.log(JSON.stringify(out));
"""


def built_bundle() -> str:
	"""The file Desk loads for the app's bundle, from the assets map `bench build` writes."""
	assets = json.loads(frappe.read_file(frappe.get_site_path("..", "assets", "assets.json")) or "{}")
	url = assets.get("collective_cover.bundle.js")
	if not url:
		raise AssertionError(
			"collective_cover.bundle.js is not built: run `bench build --app collective_cover`"
		)
	return os.path.realpath(frappe.get_site_path("..", url.lstrip("/")))


def scripts() -> list[str]:
	module = frappe.get_app_path("collective_cover", "collective_cover")
	found = []
	for folder in ("report", "dashboard_chart_source"):
		for name in sorted(os.listdir(os.path.join(module, folder))):
			script = os.path.join(module, folder, name, f"{name}.js")
			if os.path.exists(script):
				found.append(script)
	return found


class TestReportFilters(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		node = shutil.which("node")
		if not node:
			raise AssertionError("node is needed to build and run Desk's scripts")
		boot = frappe._dict()
		boot_session(boot)
		# No default pool: which pool a report opens on is test_jeopardy_burden's subject.
		boot.collective_cover["default_pool"] = None
		result = subprocess.run(
			[
				node,
				"-e",
				RUN_SCRIPTS,
				json.dumps({"today": TODAY, "boot": boot, "files": [built_bundle(), *scripts()]}),
			],
			capture_output=True,
			text=True,
			check=False,
		)
		if result.returncode:
			raise AssertionError(result.stderr)
		cls.filters = json.loads(result.stdout)

	def definitions(self, name):
		return [f["definition"] for f in self.filters[name]]

	def test_desk_loads_the_built_bundle(self):
		self.assertEqual(
			frappe.get_hooks("app_include_js", app_name="collective_cover"), ["collective_cover.bundle.js"]
		)
		with open(built_bundle()) as bundle:
			self.assertIn("report_filters", bundle.read())

	def test_each_report_opens_with_its_filters(self):
		self.assertEqual(
			self.definitions("Jeopardy Burden"),
			[PROGRAM, [*POOL[:4], 1, None], FROM_DATE, TO_DATE, ROLE],
		)
		self.assertEqual(
			self.definitions("Cover Timeliness"),
			[PROGRAM, POOL, FROM_DATE, TO_DATE, ["role", "Requester's Role", *ROLE[2:]]],
		)
		self.assertEqual(self.definitions("Pool Health"), [PROGRAM, POOL, FROM_DATE, TO_DATE])
		self.assertEqual(self.definitions("Wellness Check-ins"), [PROGRAM, FROM_DATE, TO_DATE, ROLE])
		self.assertEqual(
			self.definitions("Coaching Continuity"),
			[
				PROGRAM,
				["coach", "Coach", "Link", "Clinician", 0, None],
				["status", "Status", "Select", ["", "Active", "Ended"], 0, "Active"],
				["pace", "Pace", "Select", ["", "On pace", "Behind", "Overdue"], 0, None],
				["from_date", "Ran From", "Date", None, 0, None],
				["to_date", "Ran To", "Date", None, 0, None],
			],
		)

	def test_a_reports_pools_are_those_of_its_chosen_programme(self):
		for report in ("Jeopardy Burden", "Cover Timeliness", "Pool Health"):
			pool = next(f for f in self.filters[report] if f["definition"][0] == "pool")
			self.assertEqual(pool["query"], {"filters": {"program": "P"}}, report)

	def test_each_chart_source_opens_with_its_filters(self):
		self.assertEqual(self.definitions("Burden Distribution"), [PROGRAM, POOL])
		self.assertEqual(
			self.definitions("Cover Requests by Outcome"),
			[PROGRAM, POOL, ["weeks", "Weeks", "Int", None, 0, 26]],
		)
