"""Fictional names for the demo programme: first names and surnames combined so nobody real is meant."""

FIRST_NAMES = (
	"Amara", "Bastian", "Calla", "Dario", "Elin", "Farah", "Gideon", "Hana", "Ilya", "Jonah",
	"Kaia", "Leif", "Mirela", "Nico", "Odile", "Pavel", "Quinn", "Rosalind", "Soren", "Talia",
	"Umar", "Vera", "Wren", "Xiomara", "Yusuf", "Zelda", "Anouk", "Bram", "Cleo", "Dmitri",
	"Esme", "Florin", "Greta", "Henrik", "Ines", "Jasper", "Katya", "Lior", "Maren", "Noor",
	"Orrin", "Priya", "Rafael", "Saskia", "Tobias", "Ulla", "Viggo", "Willa", "Yara", "Zane",
)  # fmt: skip

SURNAMES = (
	"Achterberg", "Brannigan", "Castellano", "Dunmore", "Eskildsen", "Fairweather", "Galloway",
	"Halvorsen", "Iversen", "Jankowski", "Kettering", "Lindqvist", "Marchetti", "Northcott",
	"Okonkwo", "Pellegrini", "Quenneville", "Ravensworth", "Sandoval", "Thorsby", "Underhill",
	"Vasquez-Moreau", "Whitlock", "Yamamura", "Zeller", "Albright", "Blackwood", "Corrigan",
	"Delacroix", "Everhart", "Fenwick", "Greenhalgh", "Holloway", "Ingersoll", "Jessop",
	"Kowalczyk", "Lockhart", "Merriweather", "Nakamura-Ellis", "Oyelaran",
)  # fmt: skip


def full_names(count: int, offset: int = 0) -> list[str]:
	"""`count` distinct fictional names; `offset` keeps residents and faculty apart."""
	names = []
	for i in range(offset, offset + count):
		first = FIRST_NAMES[i % len(FIRST_NAMES)]
		# Step through surnames at a pace coprime with both list lengths, so pairs never repeat.
		last = SURNAMES[(i * 7 + i // len(FIRST_NAMES)) % len(SURNAMES)]
		names.append(f"{first} {last}")
	return names
