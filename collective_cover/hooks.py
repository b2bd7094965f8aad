app_name = "collective_cover"
app_title = "Collective Cover"
app_publisher = "The collective_cover contributors"
app_description = (
	"Collectively run jeopardy (back-up) pools and longitudinal coaching for residency programmes"
)
app_email = "maintainers@collective-cover.invalid"
app_license = "mit"

# Typed field declarations are written into controllers when a DocType is saved in developer mode,
# so a newcomer sees each doctype's fields in its controller.
export_python_type_annotations = True

# Desk-wide JavaScript: the filters the reports and dashboard chart sources share (public/js/).
app_include_js = "collective_cover.bundle.js"
# Duty times in the pool's zone and "Pick from my schedule" (cover/handover.py links what is picked).
doctype_js = {"Cover Request": "public/js/cover_request_schedule.js"}

# Roles are not standard documents, so they ship as fixtures — filtered to this app's own roles.
fixtures = [
	{
		"dt": "Role",
		"filters": [["name", "in", ["Clinician", "Coach", "Cover Coordinator", "Program Director"]]],
	}
]

# Clinicians start the day on their phone's home, /my-cover (www/my_cover.py); staff keep Desk.
get_website_user_home_page = "collective_cover.www.my_cover.website_home_page"
on_session_creation = ["collective_cover.www.my_cover.land_after_login"]

# Who sees which rows (a has_permission hook can only deny, never grant).
permission_query_conditions = {
	"Cover Request": "collective_cover.cover.permissions.cover_request_query",
	"Cover Ledger Entry": "collective_cover.cover.permissions.ledger_entry_query",
	"Clinician Shift": "collective_cover.cover.permissions.shift_query",
	"Clinician Unavailability": "collective_cover.cover.permissions.unavailability_query",
	"Jeopardy Rota": "collective_cover.cover.permissions.rota_query",
	"Coach Pairing": "collective_cover.coaching.permissions.coach_pairing_query",
	"Coaching Meeting": "collective_cover.coaching.permissions.coaching_meeting_query",
	"Coaching Note": "collective_cover.coaching.permissions.coaching_note_query",
	"Care Team": "collective_cover.coaching.permissions.care_team_query",
}
has_permission = {
	"Cover Request": "collective_cover.cover.permissions.cover_request_permission",
	"Cover Ledger Entry": "collective_cover.cover.permissions.ledger_entry_permission",
	"Clinician Shift": "collective_cover.cover.permissions.shift_permission",
	"Clinician Unavailability": "collective_cover.cover.permissions.shift_permission",
	"Jeopardy Rota": "collective_cover.cover.permissions.shift_permission",
	"Coach Pairing": "collective_cover.coaching.permissions.coach_pairing_permission",
	"Coaching Meeting": "collective_cover.coaching.permissions.coaching_meeting_permission",
	"Coaching Note": "collective_cover.coaching.permissions.coaching_note_permission",
	"Care Team": "collective_cover.coaching.permissions.care_team_permission",
}

# Core doors narrowed for this module's doctypes (see kernel/core_queries.py for what each one leaked).
override_whitelisted_methods = {
	"frappe.client.get_count": "collective_cover.kernel.core_queries.get_count",
	"frappe.client.get": "collective_cover.kernel.core_queries.get",
	"frappe.desk.search.search_link": "collective_cover.kernel.core_queries.search_link",
	"frappe.desk.search.search_widget": "collective_cover.kernel.core_queries.search_widget",
	"frappe.desk.listview.get_group_by_count": "collective_cover.kernel.core_queries.get_group_by_count",
}
# Every request to this app's methods and doctypes is checked at the door, before it runs.
before_request = ["collective_cover.kernel.doors.check_request"]

# The pool reports open on (their required Pool filter's default).
boot_session = "collective_cover.boot.boot_session"

# Rules that span doctypes, in one place.
doc_events = {
	# Door checks on every record of this module, before any rule reads its values.
	"*": {"before_validate": "collective_cover.kernel.validators.check_values"},
	"Cover Request": {
		# The site's Assignment Rules, as Administrator, before Frappe applies them as the session user
		# (who may not share the request): see kernel/automation.py.
		"on_update": "collective_cover.kernel.automation.apply_assignment_rules",
		"on_update_after_submit": "collective_cover.kernel.automation.apply_assignment_rules",
		"before_submit": "collective_cover.cover.handover.link_picked_shifts",
		"on_submit": "collective_cover.cover.wellness.prompt_check_in",
		"on_cancel": [
			"collective_cover.kernel.automation.apply_assignment_rules",
			"collective_cover.cover.lifecycle.reverse_cover",
		],
	},
	"User": {"on_trash": "collective_cover.calendar_feed.tokens.remove_with_user"},
}

scheduler_events = {
	"cron": {"* * * * *": ["collective_cover.cover.jobs.escalate_due_requests"]},
	"hourly": ["collective_cover.cover.jobs.complete_finished_covers"],
	"daily": [
		"collective_cover.cover.jobs.credit_standby",
		"collective_cover.coaching.reminders.remind_pairs_behind_pace",
	],
	"weekly": ["collective_cover.coaching.reminders.send_coordinator_digest"],
}

# Test clean-up needs a System Manager besides Administrator (see the function).
before_tests = "collective_cover.tests.factories.before_tests"
