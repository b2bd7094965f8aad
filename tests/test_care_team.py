import pytest

from collective_cover.engine.care_team import identifier_problems


def mrn(fragment: str) -> str:
	return f"looks like a medical record number: '{fragment}'"


def dob(fragment: str) -> str:
	return f"looks like a date of birth: '{fragment}'"


@pytest.mark.parametrize(
	"label",
	[
		"Heart failure team A",
		"",
		"CHF complex care — Tuesday PM, Main",
		"PGY-2 continuity team 3",
		"2026-2027 cohort",  # an academic year, not a date
		"Cohort 2026",
		"Team 7 (Ward 5B), bed 12",
		"Medical records liaison team",  # "records" is not "record number"
		"Newborn follow-up",
		"Team 45/45/1987",  # no such date
		"Version 2.10.3",
		"Extension 12345",  # five digits
		"Clinic 12/31",  # no year
		"Diabetes & dobutamine team",  # "dob" inside a word
	],
)
def test_labels_without_identifiers_pass(label):
	assert identifier_problems(label) == ()


@pytest.mark.parametrize(
	("label", "problems"),
	[
		("Team for MRN 1234567", (mrn("MRN 1234567"),)),
		("mrn: A123456 team", (mrn("mrn: A123456"),)),
		("MRN team", (mrn("MRN"),)),
		("MR# 55-1234", (mrn("MR# 55-1234"),)),
		("Medical record no. 88123", (mrn("Medical record no. 88123"),)),
		("Team 00482913", (mrn("00482913"),)),
		("Team 123456", (mrn("123456"),)),
		("SSN 123-45-6789", (mrn("123-45-6789"),)),
		("123 45 6789 team", (mrn("123 45 6789"),)),
		("Team 12-34-56", (mrn("12-34-56"),)),  # not a date: month 34
		("Mrs K, DOB 12/03/1987", (dob("DOB 12/03/1987"),)),
		("dob:1/2/03", (dob("dob:1/2/03"),)),
		("D.O.B. 3.4.1990", (dob("D.O.B. 3.4.1990"),)),
		("Date of birth team", (dob("Date of birth"),)),
		("Team born 12/03/1987", (dob("12/03/1987"),)),
		("Team 1987-03-12", (dob("1987-03-12"),)),
		("Team 1987/3/12", (dob("1987/3/12"),)),
		("Team 03.12.87", (dob("03.12.87"),)),
		("Team 31-12-1987", (dob("31-12-1987"),)),
		("Team 12-Mar-1987", (dob("12-Mar-1987"),)),
		("Team March 12, 1987", (dob("March 12, 1987"),)),
		("Team 3 Sept 87", (dob("3 Sept 87"),)),
		(
			"CHF 12/03/1987 MRN 1234567",
			(dob("12/03/1987"), mrn("MRN 1234567")),
		),
		("MRN 1234567, MRN 7654321", (mrn("MRN 1234567"), mrn("MRN 7654321"))),
	],
)
def test_identifiers_are_named_in_reading_order(label, problems):
	assert identifier_problems(label) == problems


def test_each_fragment_is_reported_once():
	# The digits of "MRN 1234567" are also a 7-digit run, and the date after DOB is also a date.
	assert len(identifier_problems("MRN 1234567")) == 1
	assert len(identifier_problems("DOB 1987-03-12")) == 1


@pytest.mark.parametrize(
	("label", "problems"),
	[
		("Team for jane.doe+chf@example.org", ("looks like an e-mail address: 'jane.doe+chf@example.org'",)),
		("Call 555-123-4567 first", ("looks like a phone number: '555-123-4567'",)),
		("CHF team +1 (555) 123 4567", ("looks like a phone number: '+1 (555) 123 4567'",)),
		("Family on 020 7946 0958", ("looks like a phone number: '020 7946 0958'",)),
	],
)
def test_email_addresses_and_phone_numbers_are_identifiers(label, problems):
	assert identifier_problems(label) == problems


@pytest.mark.parametrize("label", ["2026-2027 cohort", "Extension 12345", "Ward 5B, bed 12", "Team 555-1234"])
def test_short_digit_runs_are_not_phone_numbers(label):
	assert identifier_problems(label) == ()
