"""The engine must run anywhere: every engine module imports in an interpreter where frappe cannot."""

import pkgutil
import subprocess
import sys
import textwrap

import collective_cover.engine as engine

ENGINE_MODULES = sorted(m.name for m in pkgutil.walk_packages(engine.__path__, "collective_cover.engine."))

PROBE = textwrap.dedent(
	"""
	import importlib, importlib.abc, sys

	class NoFrappe(importlib.abc.MetaPathFinder):
		def find_spec(self, name, path=None, target=None):
			if name == "frappe" or name.startswith("frappe."):
				raise ImportError("frappe is blocked in this interpreter")

	sys.meta_path.insert(0, NoFrappe())
	for name in sys.argv[1:]:
		importlib.import_module(name)
	try:
		import frappe
	except ImportError:
		print("frappe blocked; imported", len(sys.argv) - 1, "engine modules")
	else:
		raise SystemExit("the frappe blocker did not work")
	"""
)


def test_engine_modules_are_discovered():
	for expected in ("model", "units", "fairness", "work_hours", "eligibility", "ranking", "ladder"):
		assert f"collective_cover.engine.{expected}" in ENGINE_MODULES


def test_every_engine_module_imports_where_frappe_cannot():
	result = subprocess.run(
		[sys.executable, "-c", PROBE, *ENGINE_MODULES], capture_output=True, text=True, check=False
	)
	assert result.returncode == 0, result.stderr
	assert result.stdout.strip() == f"frappe blocked; imported {len(ENGINE_MODULES)} engine modules"
