"""Offers and ranking snapshots were child tables of Cover Request, which a requester or coverer could
filter on; they are now coordinator-only records of their own, and the override reason lives with the
reason. Every request gets its private record, so none is told apart by having one."""

import frappe


def execute():
	for doctype in ("Cover Request Offer", "Cover Request Ranking"):
		if frappe.db.has_column(doctype, "parent"):
			frappe.db.sql(
				f"""update `tab{doctype}` child join `tabCover Request` request on request.name = child.parent
				set child.cover_request = request.name, child.program = request.program
				where child.parenttype = 'Cover Request' and child.cover_request is null"""
			)

	request = frappe.qb.DocType("Cover Request")
	reason = frappe.qb.DocType("Cover Request Reason")
	missing = (
		frappe.qb.from_(request)
		.left_join(reason)
		.on(reason.name == request.name)
		.select(request.name, request.program, request.requester)
		.where(reason.name.isnull())
	).run(as_dict=True)
	for row in missing:
		doc = frappe.new_doc("Cover Request Reason")
		doc.update({"cover_request": row.name, "program": row.program, "requester": row.requester})
		doc.insert(ignore_permissions=True)

	if frappe.db.has_column("Cover Request", "override_reason"):
		frappe.db.sql(
			"""update `tabCover Request Reason` reason join `tabCover Request` request on request.name = reason.name
			set reason.override_reason = request.override_reason
			where ifnull(request.override_reason, '') != '' and ifnull(reason.override_reason, '') = ''"""
		)
