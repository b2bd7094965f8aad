"""Browser tests: Debian's Chromium, driven by Playwright, against the site served by gunicorn.

The resident's phone (390×844): log in, call out from a shift, see it in My requests, cancel another
request; a colleague accepts from Open offers and sees it in My covers and their standing. The
coordinator's desk (1366×900): the workspace, a Cover Request form and every Script Report open with
no console error and no page error.

`./scripts/test` runs this module as its "browser" layer (`bench run-tests --module
collective_cover.tests.browser`); `bench run-tests --app` does not collect it (its name does not start
with test_), so the slow browser run happens once. It skips itself only when Chromium or Playwright is
missing. With CC_SCREENSHOTS=<folder> it saves the README's screenshots there.

Records the server must see are committed and removed afterwards (CommittedRecordsTestCase).
"""

from __future__ import annotations

import importlib.util
import os
import re
import unittest
from datetime import datetime, time, timedelta

import frappe
from frappe.installer import update_site_config
from frappe.utils import getdate
from frappe.utils.password import update_password

from collective_cover.cover import lifecycle
from collective_cover.tests.cases import CommittedRecordsTestCase
from collective_cover.tests.factories import (
	make_clinician,
	make_pool,
	make_program,
	make_request,
	make_user,
	shift_at,
	user_of,
)

CHROMIUM = os.environ.get("CC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
	"--no-sandbox",
	"--disable-gpu",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--no-first-run",
]
PASSWORD = "Browser-test-pass-1"
PHONE = {
	"viewport": {"width": 390, "height": 844},
	"is_mobile": True,
	"has_touch": True,
	"device_scale_factor": 2,
}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
REPORTS = ("Jeopardy Burden", "Cover Timeliness", "Pool Health", "Coaching Continuity", "Wellness Check-ins")


def browser_missing() -> str | None:
	"""Why the browser tests cannot run here, or None."""
	if not os.path.exists(CHROMIUM):
		return f"no chromium at {CHROMIUM}"
	if importlib.util.find_spec("playwright") is None:
		return "no playwright in the bench's environment"
	return None


class BrowserTestCase(CommittedRecordsTestCase):
	"""A gunicorn serving the site with its assets, one Chromium, and pages that record every console
	error and page error."""

	serve = statics = True

	@classmethod
	def setUpClass(cls):
		missing = browser_missing()
		if missing:
			raise unittest.SkipTest(f"browser tests skipped: {missing}")
		super().setUpClass()
		from playwright.sync_api import sync_playwright

		make_program()
		cls.make_records()
		cls.finish_setup_wizard()
		# No socket.io server runs beside the test's gunicorn: realtime stays off, as Frappe's
		# `disable_async` site setting does, so a refused socket is not mistaken for a page error.
		update_site_config("disable_async", 1)
		cls.addClassCleanup(update_site_config, "disable_async", "None")
		frappe.db.commit()
		cls.playwright = sync_playwright().start()
		cls.addClassCleanup(cls.playwright.stop)
		cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
		cls.addClassCleanup(cls.browser.close)

	@classmethod
	def make_records(cls):
		raise NotImplementedError

	@classmethod
	def finish_setup_wizard(cls):
		"""A new site opens Desk on the setup wizard until it is done; mark it done as the wizard's last
		step does (System Settings.setup_complete, the desk home page)."""
		previous = (
			frappe.db.get_single_value("System Settings", "setup_complete"),
			frappe.db.get_default("desktop:home_page"),
		)
		frappe.db.set_single_value("System Settings", "setup_complete", 1)
		frappe.db.set_default("desktop:home_page", "workspace")

		def restore():
			frappe.db.set_single_value("System Settings", "setup_complete", previous[0])
			frappe.db.set_default("desktop:home_page", previous[1])
			frappe.db.commit()

		cls.addClassCleanup(restore)

	@classmethod
	def with_password(cls, user: str) -> str:
		update_password(user, PASSWORD)
		return user

	def setUp(self):
		self.errors = []
		self.refusals = set()  # methods the test expects to refuse

	def open_page(self, device: dict):
		context = self.browser.new_context(
			base_url=self.site.url, extra_http_headers={"X-Frappe-Site-Name": self.site.site}, **device
		)
		self.addCleanup(context.close)
		return self.watch(context.new_page())

	def watch(self, page):
		def console(message):
			# A refusal the test provokes on purpose (HTTP 417 from a method it names) is the app
			# answering, not an error; Chromium still logs the failed request.
			refused = message.location.get("url", "")
			if message.type == "error" and not any(method in refused for method in self.refusals):
				self.errors.append(f"{page.url}: {message.text} ({refused})")

		page.on("console", console)
		page.on("pageerror", lambda e: self.errors.append(f"{page.url}: {e}"))
		return page

	def log_in(self, page, user: str, lands_on: str):
		page.goto("/login")
		page.fill("#login_email", user)
		page.fill("#login_password", PASSWORD)
		page.click(".btn-login")
		page.wait_for_url(f"**{lands_on}", timeout=60_000)
		page.wait_for_load_state("networkidle")

	def screenshot(self, page, section: str, name: str):
		"""The phone's screen with `section` scrolled to the top, as a user sees it (the passing
		message hidden)."""
		folder = os.environ.get("CC_SCREENSHOTS")
		if folder:
			page.evaluate(
				"""(id) => {
					const toast = document.querySelector(".mc-toast");
					if (toast) toast.hidden = true;
					document.getElementById(id).scrollIntoView();
				}""",
				section,
			)
			page.screenshot(path=os.path.join(folder, name))


class TestResidentsPhone(BrowserTestCase):
	@classmethod
	def make_records(cls):
		cls.requester = make_clinician(f"Priya Raman {cls.tag}")
		cls.coverer = make_clinician(f"Jon Berg {cls.tag}")
		colleagues = [make_clinician(f"Colleague {i} {cls.tag}") for i in range(1, 7)]
		cls.pool = make_pool(f"Wards {cls.tag}", [cls.requester, cls.coverer, *colleagues])
		for user in (user_of(cls.requester), user_of(cls.coverer)):
			cls.with_password(user)
		# Some history, so standing has a spread: four colleagues each covered once for another.
		for i, (requester, coverer) in enumerate(zip(colleagues[:4], colleagues[2:6], strict=False)):
			doc = make_request(requester, cls.pool, hours_from_now=200 + 24 * i)
			frappe.set_user(user_of(coverer))
			lifecycle.accept(doc.name)
			frappe.set_user("Administrator")
		cls.shift_start, cls.shift_end = shift_at(50)
		frappe.get_doc(
			{
				"doctype": "Clinician Shift",
				"clinician": cls.requester,
				"duty_kind": "Day",
				"start": cls.shift_start,
				"end": cls.shift_end,
				"service": "Wards A",
				"site": "Main Hospital",
			}
		).insert(ignore_permissions=True)
		cls.to_cancel = make_request(cls.requester, cls.pool, hours_from_now=120).name
		# A three-day absence, clear of the requests above, whose days can be taken one by one.
		first = getdate() + timedelta(days=17)
		cls.absence = frappe.get_doc(
			{
				"doctype": "Cover Request",
				"requester": cls.requester,
				"pool": cls.pool,
				"duties": [
					{
						"start": datetime.combine(first + timedelta(days=i), time(7)),
						"end": datetime.combine(first + timedelta(days=i), time(19)),
						"duty_kind": "Day",
						"service": "Wards B",
					}
					for i in range(3)
				],
			}
		).insert(ignore_permissions=True)
		cls.absence.submit()

	def test_a_colleague_takes_one_day_of_a_multi_day_absence_from_their_phone(self):
		coverer = self.open_page(PHONE)
		self.log_in(coverer, user_of(self.coverer), "/my-cover")
		offer = coverer.locator(f"#offers [data-request='{self.absence.name}']")
		self.assertEqual(offer.locator(".mc-accept-duty").count(), 3)
		second = self.absence.duties[1].name
		offer.locator(f"[data-duty='{second}'] .mc-accept-duty").click()
		coverer.wait_for_selector(
			f"#offers [data-request='{self.absence.name}'] [data-duty='{second}'] .mc-duty-state"
		)
		offer = coverer.locator(f"#offers [data-request='{self.absence.name}']")
		self.assertIn("You are covering this", offer.locator(f"[data-duty='{second}']").inner_text())
		self.assertEqual(offer.locator(".mc-accept-duty").count(), 2)
		self.assertIn(
			f"You are covering this duty of {self.absence.name}.", coverer.locator(".mc-toast").inner_text()
		)
		self.screenshot(coverer, "offers", "phone-take-one-duty.png")
		self.assert_fits_one_hand(coverer)
		frappe.db.rollback()  # a fresh snapshot of what the server committed
		self.assertEqual(
			frappe.db.get_value("Cover Request", self.absence.name, "status"), "Partially covered"
		)

	def assert_fits_one_hand(self, page, controls: str = "#my-cover button, #my-cover .mc-nav a"):
		"""No horizontal scroll at 390 px, and every visible control is at least 44 px tall."""
		self.assertTrue(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))
		heights = page.eval_on_selector_all(
			controls, "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)"
		)
		self.assertTrue(heights)
		self.assertGreaterEqual(min(heights), 44)

	def test_the_link_in_an_offer_s_e_mail_opens_the_offer_on_the_phone_ready_for_a_thumb(self):
		coverer = self.open_page(PHONE)
		self.log_in(coverer, user_of(self.coverer), "/my-cover")
		coverer.goto(f"/cover-offers?request={self.absence.name}")
		coverer.wait_for_load_state("networkidle")
		offer = coverer.locator(f"#cover-offers [data-request='{self.absence.name}']")
		self.assertIn("border-primary", offer.get_attribute("class"))
		self.assert_fits_one_hand(coverer, "#cover-offers button")
		self.screenshot(coverer, "cover-offers", "phone-offer-link.png")
		last = self.absence.duties[2].name
		offer.locator(f"[data-duty='{last}'] .cover-accept-duty").click()
		coverer.wait_for_selector(
			f"[data-duty='{last}'] .cover-duty-result:has-text('You are covering this')"
		)
		self.screenshot(coverer, "cover-offers", "phone-offer-link-taken.png")
		self.assertEqual(offer.locator(f"[data-duty='{last}'] .cover-accept-duty").count(), 0)
		frappe.db.rollback()  # a fresh snapshot of what the server committed
		covered_by = frappe.db.get_value("Cover Request Duty", last, "covered_by")
		self.assertEqual(covered_by, self.coverer)

	def test_a_resident_calls_out_from_a_shift_and_a_colleague_takes_it_from_their_phone(self):
		from collective_cover.kernel.dates import when

		duty_when = when(self.shift_start, self.shift_end)
		requester = self.open_page(PHONE)
		self.log_in(requester, user_of(self.requester), "/my-cover")
		self.assert_fits_one_hand(requester)
		shift = requester.locator(".mc-shift", has_text="Wards A")
		shift.click()
		self.assertEqual(shift.get_attribute("aria-pressed"), "true")
		requester.select_option("select[name=pool]", self.pool)
		self.screenshot(requester, "call-out", "phone-call-out.png")
		requester.click("#call-out button[type=submit]")
		toast = requester.locator(".mc-toast")
		toast.wait_for(state="visible")
		filed = re.search(r"Filed (\S+)\.", toast.inner_text()).group(1)
		mine = requester.locator(f"#requests [data-request='{filed}']")
		self.assertIn("Open", mine.inner_text())
		self.assertIn(duty_when, mine.inner_text())
		self.assertIn("Main Hospital", mine.inner_text())

		cancel = requester.locator(f"#requests [data-request='{self.to_cancel}']")
		requester.once("dialog", lambda dialog: dialog.accept())
		cancel.locator(".mc-cancel").click()
		requester.wait_for_selector(f"#requests [data-request='{self.to_cancel}'] .mc-status-cancelled")
		self.screenshot(requester, "requests", "phone-my-requests.png")

		coverer = self.open_page(PHONE)
		self.log_in(coverer, user_of(self.coverer), "/my-cover")
		stale = self.watch(coverer.context.new_page())  # the same offer, open in a second tab
		stale.goto("/my-cover")
		offer = coverer.locator(f"#offers [data-request='{filed}']")
		self.assertIn(duty_when, offer.inner_text())
		self.assertNotIn("Priya Raman", coverer.locator("#offers").inner_text())
		self.screenshot(coverer, "offers", "phone-open-offers.png")
		offer.locator(".mc-accept").click()
		coverer.wait_for_selector(f"#covers [data-request='{filed}']")
		self.assertIn(f"You are covering {filed}. Thank you.", coverer.locator(".mc-toast").inner_text())
		cover = coverer.locator(f"#covers [data-request='{filed}']").inner_text()
		self.assertIn(f"You are covering Priya Raman {self.tag}", cover)
		self.assertIn("Main Hospital", cover)
		self.assertEqual(coverer.locator(f"#offers [data-request='{filed}']").count(), 0)
		self.screenshot(coverer, "covers", "phone-my-covers.png")

		self.refusals.add("collective_cover.api.cover.accept")
		stale.locator(f"#offers [data-request='{filed}'] .mc-accept").click()
		result = stale.locator(f"#offers [data-request='{filed}'] .mc-result")
		result.wait_for(state="visible")
		self.assertEqual(result.inner_text(), f"You are covering {filed}.")

		standing = coverer.locator("#standing")
		standing.scroll_into_view_if_needed()
		self.assertRegex(standing.inner_text(), r"\d+(st|nd|rd|th) of 8 in line")
		self.assertIn("units above your fair share", standing.inner_text())
		self.assertEqual(standing.locator("svg.mc-chart .mc-you").count(), 1)
		self.screenshot(coverer, "standing", "phone-standing.png")
		self.assert_fits_one_hand(coverer)

		requester.reload()
		self.assertIn(
			f"covered by Jon Berg {self.tag}",
			requester.locator(f"#requests [data-request='{filed}']").inner_text(),
		)
		self.assertEqual(self.errors, [])


class TestCoordinatorsDesk(BrowserTestCase):
	@classmethod
	def make_records(cls):
		requester = make_clinician(f"Desk Requester {cls.tag}")
		member = make_clinician(f"Desk Member {cls.tag}")
		cls.pool = make_pool(f"Desk Pool {cls.tag}", [requester, member])
		cls.request = make_request(requester, cls.pool, hours_from_now=96).name
		cls.coordinator = cls.with_password(
			make_user(f"desk-coordinator-{cls.tag}@cc-test.example", roles=("Cover Coordinator",))
		)

	def test_the_workspace_a_request_and_every_report_open_without_errors(self):
		page = self.open_page(DESKTOP)
		self.log_in(page, self.coordinator, "/app/**")
		page.goto("/app/collective-cover")
		page.wait_for_selector(".workspace-header, .page-head .title-text", timeout=60_000)
		page.wait_for_load_state("networkidle")
		page.goto(f"/app/cover-request/{self.request}")
		page.wait_for_selector(".form-layout", timeout=60_000)
		page.wait_for_load_state("networkidle")
		for report in REPORTS:
			page.goto(f"/app/query-report/{report}")
			page.wait_for_selector(".page-form", timeout=60_000)
			page.wait_for_load_state("networkidle")
			page.wait_for_timeout(500)  # reports render after their first query returns
			shown = page.locator(".modal.show .msgprint")
			self.assertEqual(shown.count(), 0, f"{report}: {shown.all_inner_texts()}")
		self.assertEqual(self.errors, [])


class TestDeskFilingInThePoolsZone(BrowserTestCase):
	"""A resident whose own time zone is neither the site's nor the pool's picks a duty from their
	schedule in Desk's Cover Request form: the grid shows the pool's wall time, the model keeps the
	site's (what Frappe stores)."""

	POOL_ZONE = "America/Argentina/Buenos_Aires"  # no daylight saving: 07:00 there is 10:00 UTC

	@classmethod
	def make_records(cls):
		from datetime import datetime, time, timedelta
		from zoneinfo import ZoneInfo

		from frappe.utils import add_days, get_system_timezone, getdate

		requester = make_clinician(f"Desk Zone Requester {cls.tag}")
		member = make_clinician(f"Desk Zone Member {cls.tag}")
		cls.pool = make_pool(f"Far Desk Pool {cls.tag}", [requester, member], time_zone=cls.POOL_ZONE)
		cls.user = cls.with_password(user_of(requester))
		site_zone = get_system_timezone()
		own_zone = next(z for z in ("Pacific/Honolulu", "Asia/Tokyo") if z not in (site_zone, cls.POOL_ZONE))
		frappe.db.set_value("User", cls.user, "time_zone", own_zone)
		day = add_days(getdate(), 4)
		cls.start = (
			datetime.combine(day, time(7), ZoneInfo(cls.POOL_ZONE))
			.astimezone(ZoneInfo(site_zone))
			.replace(tzinfo=None)
		)
		frappe.get_doc(
			{
				"doctype": "Clinician Shift",
				"clinician": requester,
				"duty_kind": "Day",
				"start": cls.start,
				"end": cls.start + timedelta(hours=12),
				"service": "Wards Z",
			}
		).insert(ignore_permissions=True)

	def test_a_picked_shift_shows_the_pools_wall_time_whatever_the_users_zone(self):
		page = self.open_page(DESKTOP)
		self.log_in(page, self.user, "/my-cover")
		page.goto("/app/cover-request/new")
		page.wait_for_selector(".form-layout", timeout=60_000)
		page.wait_for_load_state("networkidle")
		page.evaluate("(pool) => cur_frm.set_value('pool', pool)", self.pool)
		page.wait_for_selector(
			f".grid-description:has-text('Times are in {self.POOL_ZONE}.')", timeout=30_000
		)
		page.click("button:has-text('Pick from my schedule')")
		dialog = page.locator(".modal.show")
		dialog.locator("label", has_text="Wards Z").click()
		dialog.locator("button.btn-primary").click()
		row = page.locator("[data-fieldname=duties] .grid-body .grid-row", has_text="Wards Z")
		row.wait_for()
		self.assertIn("07:00", row.inner_text())
		self.assertEqual(
			page.evaluate("cur_frm.doc.duties.map((d) => [d.start, d.service])"),
			[[str(self.start), "Wards Z"]],
		)
		self.assertEqual(self.errors, [])
