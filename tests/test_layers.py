"""Layers point one way (README, "How it is built"):

    engine  ←  kernel  ←  cover, coaching, calendar_feed  ←  api, reports  ←  module (doctypes, reports, pages, www)

and the development tools, patches, commands and tests stand on top. A module may import its own layer
or the ones to its left, never one to its right; cover, coaching and calendar_feed are peers that share
only the kernel. Read from the source with `ast`, so nothing is imported and Frappe is not needed."""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "collective_cover"

# Lower numbers are lower layers; packages of one number are peers that must not import each other.
LAYERS = {
	"engine": 0,
	"kernel": 1,
	"cover": 2,
	"coaching": 2,
	"calendar_feed": 2,
	"api": 3,
	"reports": 3,
	"collective_cover": 4,  # the module folder: doctypes, Script Reports, charts, workspace
	"www": 4,
	"templates": 4,
}
TOP = 9  # hooks, commands, patches, development tools and tests may import anything


def layer_of(module: str) -> tuple[str, int]:
	parts = module.split(".")
	package = parts[1] if len(parts) > 1 else ""
	if parts[-1].startswith("test_") or package in ("tests", "patches") or package not in LAYERS:
		return package, TOP
	return package, LAYERS[package]


def imports_of(path: Path) -> set[str]:
	found = set()
	for node in ast.walk(ast.parse(path.read_text())):
		if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
			found.add(node.module)
		elif isinstance(node, ast.Import):
			found.update(alias.name for alias in node.names)
	return {name for name in found if name.split(".")[0] == "collective_cover"}


def upward_imports(app: Path = APP) -> list[str]:
	wrong = []
	for path in sorted(app.rglob("*.py")):
		module = ".".join(path.relative_to(app.parent).with_suffix("").parts)
		package, level = layer_of(module)
		for target in imports_of(path):
			target_package, target_level = layer_of(target)
			if target_level > level or (target_level == level < TOP and target_package != package):
				wrong.append(f"{module} ({package}) imports {target} ({target_package})")
	return wrong


def test_layers_point_one_way():
	assert upward_imports() == []


def test_the_check_sees_an_upward_and_a_sideways_import(tmp_path):
	app = tmp_path / "collective_cover"
	for folder, source in (
		("kernel", "from collective_cover.cover.lifecycle import accept\n"),
		("coaching", "from collective_cover.cover.records import engine_pool\n"),
		(
			"cover",
			"from collective_cover.kernel.validators import refuse\nimport collective_cover.engine.model\n",
		),
	):
		(app / folder).mkdir(parents=True)
		(app / folder / "module.py").write_text(source)
	assert upward_imports(app) == [
		"collective_cover.coaching.module (coaching) imports collective_cover.cover.records (cover)",
		"collective_cover.kernel.module (kernel) imports collective_cover.cover.lifecycle (cover)",
	]
