"""Phrases the synthetic generator builds records' text from (policy.synthetic.text): a statement's
parts, Spanish quotes, policy titles, made-up place names and a source's filler sentences."""

STATEMENT_SUBJECTS = [
    "We",
    "Our ministries",
    "My colleagues and I",
    "Neighbouring countries",
    "Our partners",
    "Both countries",
    "The people of {country}",
    "Lawmakers",
    "Governors",
    "All of us here",
]
STATEMENT_VERBS = [
    "will expand",
    "must address",
    "cannot ignore",
    "are committed to",
    "will not accept",
    "intend to review",
    "have agreed to strengthen",
    "are working to reduce",
    "will fund",
    "need to rethink",
    "reject",
    "strongly support",
    "will suspend",
    "are ready to negotiate",
    "will invest in",
    "have doubled",
]
STATEMENT_OBJECTS = [
    "the root causes of {topic}",
    "legal pathways for {topic}",
    "our cooperation on {topic}",
    "the programme for {country}",
    "investment in {country}",
    "enforcement at the southern border",
    "temporary work visas",
    "humanitarian assistance for families",
    "the backlog of asylum cases",
    "tariffs on steel and aluminium",
    "support for small farmers",
    "anti-corruption commissions",
    "shelters for unaccompanied children",
    "remittance fees",
    "the agreement with {country}",
    "funding for {topic}",
    "deportation flights",
    "vaccine donations",
    "job training for young people",
]
STATEMENT_TAILS = [
    "in {place}",
    "for the families of {place}",
    "starting in {place}",
    "this year",
    "by the end of {year}",
    "in the coming months",
    "without delay",
    "as soon as possible",
    "with our allies in {country}",
    "starting in {year}",
    "before the summit",
    "over the next decade",
    "",
]
STATEMENT_EXTRAS = [
    "The situation at the border is {adjective}.",
    "This moment is {adjective} for {country}.",
    "We have seen {number} people arrive in a single month.",
    "The numbers speak for themselves.",
    "Families deserve dignity and safety.",
    "I met the mayor of {place} this week.",
    "What happened in {place} must not happen again.",
    "We will not be dictated to.",
    "There is no easy answer.",
    "The funding of {amount} dollars is only a start.",
    "Corruption is the enemy of development.",
]
# Syllables for the long tail of place names: a few towns come up often, most rarely (Zipf).
SYLLABLES = ["san", "ta", "mar", "co", "pe", "lo", "que", "tza", "mal", "hue", "ya", "chi", "ri", "to", "na", "ven"]
ADJECTIVES = ["serious", "unprecedented", "difficult", "hopeful", "critical", "urgent", "historic", "fragile"]
SPANISH_STATEMENTS = [
    "No vamos a permitir que la migración se convierta en un problema político.",
    "La cooperación con {country} es fundamental para el desarrollo económico de la región.",
    "Nuestro país defiende la soberanía y la dignidad de los migrantes.",
    "Vamos a invertir en las comunidades del sur para atender las causas de la migración.",
    "La corrupción es el principal obstáculo para el desarrollo.",
    "Exigimos respeto a los derechos humanos en la frontera.",
    "Es urgente una solución integral y humanitaria.",
]
POLICY_AIMS = ["expand", "reduce", "fund", "review", "strengthen", "replace", "coordinate", "limit", "protect"]
POLICY_TITLE_PARTS = (
    ["Temporary", "Regional", "National", "Joint", "Emergency", "Comprehensive", "Bilateral", "Expanded"],
    ["Protection", "Enforcement", "Investment", "Cooperation", "Assistance", "Reform", "Resettlement", "Partnership"],
    ["Act", "Agreement", "Programme", "Order", "Initiative", "Strategy", "Plan", "Framework"],
)
FILLER = [
    "The announcement came after weeks of negotiations.",
    "Officials did not respond to requests for comment.",
    "Critics said the measures would do little to change conditions on the ground.",
    "Advocates welcomed the decision but warned that details remain unclear.",
    "The figures could not be independently verified.",
    "Analysts expect the debate to continue in the legislature.",
]
