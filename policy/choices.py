"""Every closed vocabulary of the data model, in one place.

The API's filters, the admin's list filters, the OpenAPI schema and the database
check constraints all read these classes, so a value is added here or nowhere.
"""

from django.db import models


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class ActorKind(models.TextChoices):
    PERSON = "person", "Person"
    GOVERNMENT = "government", "Government"
    AGENCY = "agency", "Agency"
    ORGANIZATION = "organization", "Organization"


class SourceKind(models.TextChoices):
    NEWS_ARTICLE = "news_article", "News article"
    GOVERNMENT_DATA = "government_data", "Government data"
    REPORT = "report", "Report"
    TRANSCRIPT = "transcript", "Transcript"
    OTHER = "other", "Other"


class TextLicense(models.TextChoices):
    """Whether a source's full text may be republished here (policy.licensing): excerpts always are."""

    PUBLIC_DOMAIN = "public_domain", "Public domain"
    OPEN_LICENSE = "open_license", "Open licence"
    ALL_RIGHTS_RESERVED = "all_rights_reserved", "All rights reserved"


class EventKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    VISIT = "visit", "Visit"
    PRESS_CONFERENCE = "press_conference", "Press conference"
    CONFERENCE = "conference", "Conference"
    OTHER = "other", "Other"


class EventStatus(models.TextChoices):
    """Where the event stood on its source's date: a source may announce one still to come."""

    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class PolicyKind(models.TextChoices):
    LAW = "law", "Law"
    AGREEMENT = "agreement", "Agreement"
    PROGRAMME = "programme", "Programme"
    EXECUTIVE_ACTION = "executive_action", "Executive action"
    ENFORCEMENT_MEASURE = "enforcement_measure", "Enforcement measure"
    STRATEGY = "strategy", "Strategy"


class PolicyStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ANNOUNCED = "announced", "Announced"
    IN_EFFECT = "in_effect", "In effect"
    SUSPENDED = "suspended", "Suspended"
    REVERSED = "reversed", "Reversed"
    ENDED = "ended", "Ended"
    # The source names the policy but not where it stands: better said than guessed.
    UNKNOWN = "unknown", "Unknown (the source does not say)"


class PolicyRelationKind(models.TextChoices):
    REVERSES = "reverses", "Reverses"
    REPLACES = "replaces", "Replaces"
    EXTENDS = "extends", "Extends"
    IMPLEMENTS = "implements", "Implements"


class AidKind(models.TextChoices):
    HUMANITARIAN = "humanitarian", "Humanitarian"
    FOOD = "food", "Food"
    DEVELOPMENT = "development", "Development"
    SECURITY = "security", "Security"
    MIXED = "mixed", "Mixed"


class AidStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    PLEDGED = "pledged", "Pledged"
    ANNOUNCED = "announced", "Announced"
    APPROPRIATED = "appropriated", "Appropriated"
    DISBURSED = "disbursed", "Disbursed"
    CUT = "cut", "Cut"


class StatementKind(models.TextChoices):
    QUOTE = "quote", "Direct quote"
    PARAPHRASE = "paraphrase", "Paraphrase"


class StatisticUnit(models.TextChoices):
    PERCENT = "percent", "Percent"
    USD = "usd", "US dollars"
    COUNT = "count", "Count"
    PERSONS = "persons", "Persons"
    RATIO = "ratio", "Ratio (multiple of a baseline)"
    YEARS = "years", "Years"
    # A position in an ordering the source states in words (“top trading partner” is 1).
    RANK = "rank", "Rank (1 = first)"


class ValueQualifier(models.TextChoices):
    """How exact a figure is, as its source words it: “roughly 80%”, “more than $677 billion”."""

    EXACT = "exact", "Exact"
    APPROXIMATELY = "approximately", "Approximately"
    MORE_THAN = "more_than", "More than"
    LESS_THAN = "less_than", "Less than"
    AT_LEAST = "at_least", "At least"
    AT_MOST = "at_most", "At most"


# ISO 4217 alphabetic codes (active list, from pycountry 26.2.16). A check
# constraint holds the database to it, so a currency typo can never be stored.
CURRENCY_CODES = """
    AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN
    BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR
    FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU
    MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON
    RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP
    TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAD XAF XAG XAU XBA XBB
    XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWG
""".split()  # noqa: SIM905  (compact to read; a list literal would be 178 lines)
