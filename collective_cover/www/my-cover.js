// The phone home's few actions. Each calls a whitelisted method by POST, then re-reads this page and
// swaps its content in, so the page is rendered in one place only (my-cover.html).
frappe.ready(() => {
	const toast = document.querySelector(".mc-toast");
	let toastTimer;

	const plain = (html) => new DOMParser().parseFromString(html, "text/html").body.textContent.trim();

	const messageOf = (data) => {
		try {
			const messages = JSON.parse(data._server_messages || "[]").map((m) => JSON.parse(m).message);
			if (messages.length) return plain(messages.join(" "));
		} catch (e) {
			// not Frappe's message list: fall back to the exception text
		}
		return data.exception ? plain(data.exception.split(": ").slice(1).join(": ")) : "";
	};

	const call = async (method, args) => {
		const response = await fetch(`/api/method/${method}`, {
			method: "POST",
			headers: {
				Accept: "application/json",
				"Content-Type": "application/json",
				"X-Frappe-CSRF-Token": frappe.csrf_token,
			},
			body: JSON.stringify(args),
		});
		const data = await response.json().catch(() => ({}));
		if (!response.ok) {
			throw new Error(messageOf(data) || __("Something went wrong ({0}). Try again.", [response.status]));
		}
		return data.message;
	};

	const refresh = async () => {
		const response = await fetch(window.location.pathname, { cache: "no-store" });
		const page = new DOMParser().parseFromString(await response.text(), "text/html");
		const fresh = page.getElementById("my-cover");
		if (fresh) document.getElementById("my-cover").replaceWith(fresh);
	};

	const say = (text) => {
		toast.textContent = text;
		toast.hidden = false;
		clearTimeout(toastTimer);
		toastTimer = setTimeout(() => (toast.hidden = true), 8000);
	};

	// Run one action from `button`; on success re-read the page and say `done(answer)`, on refusal
	// show the server's words beside the button.
	const act = async (button, box, run, done, then) => {
		const result = box.querySelector(".mc-result");
		button.disabled = true;
		if (result) result.textContent = "";
		try {
			const answer = await run();
			await refresh();
			say(done(answer));
			if (then) then();
		} catch (error) {
			if (result) result.textContent = error.message;
			else say(error.message);
			button.disabled = false;
		}
	};

	const field = (form, name) => (form.elements[name] ? form.elements[name].value.trim() : "");

	document.addEventListener("click", (event) => {
		const button = event.target.closest("#my-cover button");
		if (!button) return;
		const request = button.closest("[data-request]");
		const meeting = button.closest("[data-meeting]");

		if (button.classList.contains("mc-shift")) {
			button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
		} else if (button.classList.contains("mc-accept")) {
			act(
				button,
				request,
				() => call("collective_cover.api.cover.accept", { cover_request: request.dataset.request }),
				(answer) => __("You are covering {0}. Thank you.", [answer.name]),
				() => document.getElementById("covers").scrollIntoView()
			);
		} else if (button.classList.contains("mc-accept-duty")) {
			const duty = button.closest("[data-duty]").dataset.duty;
			act(
				button,
				request,
				() =>
					call("collective_cover.api.cover.accept", {
						cover_request: request.dataset.request,
						duties: [duty],
					}),
				(answer) => __("You are covering this duty of {0}. Thank you.", [answer.name])
			);
		} else if (button.classList.contains("mc-decline")) {
			act(
				button,
				request,
				() => call("collective_cover.api.cover.decline", { cover_request: request.dataset.request }),
				() => __("Noted; you will be asked last for this one.")
			);
		} else if (button.classList.contains("mc-cancel")) {
			const name = request.dataset.request;
			if (!window.confirm(__("Cancel request {0}? Your pool will no longer be asked.", [name]))) return;
			act(
				button,
				request,
				() => call("frappe.client.cancel", { doctype: "Cover Request", name }),
				() => __("Request {0} is cancelled.", [name])
			);
		} else if (button.classList.contains("mc-confirm")) {
			act(
				button,
				meeting,
				() => call("collective_cover.api.my_cover.confirm_meeting", { meeting: meeting.dataset.meeting }),
				() => __("Meeting confirmed.")
			);
		} else if (button.classList.contains("mc-move")) {
			const starts_at = meeting.querySelector("input[name=starts_at]").value;
			act(
				button,
				meeting,
				() =>
					call("collective_cover.api.my_cover.reschedule_meeting", {
						meeting: meeting.dataset.meeting,
						starts_at,
					}),
				(answer) => __("Meeting moved to {0}; it waits for a confirmation.", [answer.when])
			);
		}
	});

	// Typed times are wall times of the chosen pool's zone: the labels name it.
	document.addEventListener("change", (event) => {
		const select = event.target.closest("#my-cover form.mc-call-out select[name=pool]");
		if (!select) return;
		const zone = select.selectedOptions[0].dataset.zone;
		select.form.querySelectorAll(".mc-zone").forEach((label) => (label.textContent = zone));
	});

	document.addEventListener("submit", (event) => {
		const form = event.target.closest("#my-cover form.mc-call-out");
		if (!form) return;
		event.preventDefault();
		// A picked shift is sent by name: the server takes its kind, service, site and times from the schedule.
		const duties = [...form.querySelectorAll(".mc-shift[aria-pressed=true]")].map((button) => ({
			shift: JSON.parse(button.dataset.duty).shift,
		}));
		if (field(form, "start") || field(form, "end")) {
			duties.push({
				duty_kind: field(form, "duty_kind"),
				start: field(form, "start"),
				end: field(form, "end"),
				service: field(form, "service"),
				site: field(form, "site"),
			});
		}
		act(
			form.querySelector("button[type=submit]"),
			form,
			() =>
				call("collective_cover.api.my_cover.call_out", {
					pool: field(form, "pool"),
					duties,
					reason_category: field(form, "reason_category"),
					reason_note: field(form, "reason_note"),
				}),
			(answer) => __("Filed {0}. Your pool has been asked; you will hear who covers you.", [answer.request]),
			() => document.getElementById("requests").scrollIntoView()
		);
	});
});
