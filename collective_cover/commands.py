"""Bench commands of the app (found by bench as `collective_cover.commands.commands`)."""

import click
from frappe.commands import get_site, pass_context


@click.command("collective-cover-demo")
@click.option("--clear", is_flag=True, help="Remove the demo programme and everything it created.")
@pass_context
def collective_cover_demo(context, clear=False):
	"""Create the demo programme "Demo Internal Medicine Residency" (idempotent), or remove it."""
	import frappe

	from collective_cover.devtools.demo.build import create_demo
	from collective_cover.devtools.demo.clear import clear_demo

	with frappe.init_site(get_site(context)):
		frappe.connect()
		frappe.set_user("Administrator")
		if clear:
			clear_demo(echo=click.echo)
		else:
			create_demo(echo=click.echo)


commands = [collective_cover_demo]
