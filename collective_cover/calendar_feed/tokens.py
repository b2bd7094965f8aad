"""Feed tokens: 32 random bytes, shown to their owner once; the database keeps only their SHA-256.

A token is looked up by its hash (a unique index) and the hash found is compared again in constant
time. Timing of the index lookup tells a guesser nothing: it depends on the hash of what they sent,
which they cannot steer towards a stored hash. Unknown, replaced and revoked tokens, and tokens of
disabled users, are all simply "no feed".
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import frappe
from frappe.utils import now_datetime

TOKEN_BYTES = 32
# token_urlsafe(32) is 43 characters; anything much longer is not a token and is not hashed.
LONGEST_TOKEN = 128


def digest(token: str) -> str:
	return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(user: str) -> str:
	"""A new token for `user`; their previous token stops working in the same transaction."""
	# Two rotations at once for one user would both delete, then both insert: the second waits here.
	frappe.db.get_value("User", user, "name", for_update=True)
	revoke(user)
	token = secrets.token_urlsafe(TOKEN_BYTES)
	feed = frappe.get_doc(
		{"doctype": "Calendar Feed", "user": user, "token_hash": digest(token), "issued_at": now_datetime()}
	)
	feed.flags.written_by_app = True
	feed.insert(ignore_permissions=True)
	return token


def revoke(user: str) -> bool:
	"""Delete `user`'s feed; whether there was one."""
	names = frappe.get_all("Calendar Feed", filters={"user": user}, pluck="name")
	for name in names:
		frappe.delete_doc("Calendar Feed", name, ignore_permissions=True, delete_permanently=True)
	return bool(names)


def owner_of(token) -> str | None:
	"""The enabled user whose current token this is, or None."""
	if not isinstance(token, str) or not token or len(token) > LONGEST_TOKEN:
		return None
	wanted = digest(token)
	found = frappe.db.get_value("Calendar Feed", {"token_hash": wanted}, ["user", "token_hash"], as_dict=True)
	if not found or not hmac.compare_digest(found.token_hash, wanted):
		return None
	if not frappe.db.get_value("User", found.user, "enabled"):
		return None
	return found.user


def remove_with_user(doc, method=None) -> None:
	"""doc_event on User on_trash: a deleted user's feed goes with them (and does not block the delete)."""
	revoke(doc.name)
