"""Word lists the mention rules read: titles before a name, organisation words, country short
forms and demonyms. Kept apart so a reader sees every hand-written vocabulary in one place.
Country names themselves come from the database and from babel's CLDR territory names."""

TITLES = (
    "President", "Vice President", "Prime Minister", "Deputy Prime Minister", "Minister", "Chancellor",
    "Foreign Minister", "Finance Minister", "Defence Minister", "Defense Minister", "Interior Minister",
    "Secretary", "Secretary of State", "Senator", "Sen.", "Rep.", "Representative", "Governor", "Gov.",
    "Mayor", "Ambassador", "Commissioner", "Director", "Director-General", "Chairman", "Chairwoman",
    "Chair", "Speaker", "King", "Queen", "Prince", "Princess", "Pope", "Premier", "Chief Executive",
    "General", "Gen.", "Admiral", "Judge", "Justice", "Dr.", "Mr.", "Mrs.", "Ms.", "Professor", "Prof.",
    "spokesperson", "spokesman", "spokeswoman", "economist", "analyst", "Governor-General", "Sheikh",
    "Emir", "Crown Prince", "Commander", "Archbishop", "Cardinal", "Treasurer", "Attorney General",
)  # fmt: skip

ORGANISATION_WORDS = {
    "Ministry", "Department", "Office", "Bank", "Agency", "Commission", "Council", "Service", "Fund",
    "Organization", "Organisation", "Union", "Institute", "Bureau", "Party", "Committee", "Parliament",
    "Congress", "Senate", "Court", "Administration", "Government", "Association", "Federation",
    "Authority", "Board", "Secretariat", "Programme", "Program", "Corporation", "Foundation", "Centre",
    "Center", "Assembly", "Statistics", "Treasury", "Cabinet", "Police", "Army", "Forces", "Group",
}  # fmt: skip
GOVERNMENT_WORDS = {"Government", "Administration", "Cabinet"}
AGENCY_WORDS = {"Ministry", "Department", "Office", "Agency", "Bureau", "Service", "Commission", "Authority",
                "Statistics", "Treasury", "Police"}  # fmt: skip

# Short forms CLDR does not list as a territory's name.
COUNTRY_SHORT_FORMS = {
    "US": ("U.S.", "US", "USA", "U.S.A.", "America", "United States of America"),
    "GB": ("U.K.", "UK", "Britain", "Great Britain", "United Kingdom"),
    "AE": ("UAE", "U.A.E."),
    "KR": ("South Korea",),
    "KP": ("North Korea",),
    "RU": ("Russia",),
    "CN": ("China", "PRC"),
    "CD": ("Congo", "DR Congo", "DRC"),
    "CZ": ("Czech Republic", "Czechia"),
    "NL": ("Netherlands", "Holland"),
}
DEMONYMS = {
    "US": ("American",), "MX": ("Mexican",), "CA": ("Canadian",), "GT": ("Guatemalan",),
    "HN": ("Honduran",), "SV": ("Salvadoran", "Salvadorean"), "CN": ("Chinese",), "JP": ("Japanese",),
    "GB": ("British",), "FR": ("French",), "DE": ("German",), "IT": ("Italian",), "ES": ("Spanish",),
    "PT": ("Portuguese",), "BR": ("Brazilian",), "AR": ("Argentine", "Argentinian"), "CL": ("Chilean",),
    "CO": ("Colombian",), "PE": ("Peruvian",), "VE": ("Venezuelan",), "CU": ("Cuban",), "IN": ("Indian",),
    "PK": ("Pakistani",), "BD": ("Bangladeshi",), "ID": ("Indonesian",), "PH": ("Philippine", "Filipino"),
    "VN": ("Vietnamese",), "TH": ("Thai",), "KR": ("South Korean",), "KP": ("North Korean",),
    "RU": ("Russian",), "UA": ("Ukrainian",), "PL": ("Polish",), "TR": ("Turkish",), "GR": ("Greek",),
    "EG": ("Egyptian",), "NG": ("Nigerian",), "KE": ("Kenyan",), "ET": ("Ethiopian",), "ZA": ("South African",),
    "MA": ("Moroccan",), "SA": ("Saudi",), "IR": ("Iranian",), "IQ": ("Iraqi",), "IL": ("Israeli",),
    "AU": ("Australian",), "NZ": ("New Zealand",), "IE": ("Irish",), "NL": ("Dutch",), "SE": ("Swedish",),
    "NO": ("Norwegian",), "DK": ("Danish",), "FI": ("Finnish",), "CH": ("Swiss",), "AT": ("Austrian",),
    "BE": ("Belgian",), "HT": ("Haitian",), "NI": ("Nicaraguan",), "CR": ("Costa Rican",), "PA": ("Panamanian",),
    "SN": ("Senegalese",), "GH": ("Ghanaian",), "BF": ("Burkinabe",), "ML": ("Malian",), "NE": ("Nigerien",),
}  # fmt: skip


def demonyms(code):
    """A country's demonyms, and the plural of those that take an -s (`Guatemalans`, `Iraqis`; not `Chinese`)."""
    singular = DEMONYMS.get(code, ())
    return (*singular, *(f"{word}s" for word in singular if word.endswith(("n", "i"))))


# Capitalised words that start no name (sentence openers, months, days).
NOT_NAMES = {
    "The", "A", "An", "In", "On", "At", "As", "But", "And", "Or", "If", "When", "While", "After", "Before",
    "Since", "For", "With", "Without", "From", "To", "Of", "By", "This", "That", "These", "Those", "It",
    "He", "She", "They", "We", "I", "You", "His", "Her", "Their", "Our", "Its", "Meanwhile", "Even",
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "More", "Most", "Some", "Many", "Last", "Next", "Still", "Yet", "Also", "Then", "So", "Such", "Both",
}  # fmt: skip
