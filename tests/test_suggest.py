"""Suggestions from a source's text (policy.suggest): the extractors on their own, then written into
the review queue by `manage.py suggest`, the admin's "Suggest records" and the API."""

from datetime import date

import pytest

from bench.evaluate import corpus_articles, seed_article
from policy.models.records import QUOTE_SEPARATOR
from policy.suggest import MAX_TEXT, Known, KnownActor, KnownCountry, TextRefused, suggest
from policy.suggest.evaluate import measure
from policy.suggest.models_compat import SEPARATOR

PUBLISHED = date(2021, 5, 7)  # a Friday
KNOWN = Known(
    (
        KnownActor("kamala-harris", "Kamala Harris", "person", "Vice President", "US"),
        KnownActor(
            "andres-manuel-lopez-obrador",
            "Andrés Manuel López Obrador",
            "person",
            "Mexico’s President",
            "MX",
            ("AMLO", "López Obrador"),
        ),
    ),
    (KnownCountry("US", "United States"), KnownCountry("MX", "Mexico"), KnownCountry("FR", "France")),
)


def of_type(proposals, record_type):
    return [p for p in proposals if p.record_type == record_type]


def test_the_seed_article_meets_the_issues_targets():
    _name, text, published, known, records = seed_article()
    counts = measure(text, records, suggest(text, published, known))
    share = {key: right / out_of for key, (right, out_of) in counts.items() if out_of}
    assert share["quote_recall"] >= 0.9 and share["quote_speaker"] >= 0.85
    assert share["figure_recall"] >= 0.9 and share["figure_value"] >= 0.9 and share["money_status"] >= 0.75
    assert share["dates"] >= 0.85 and share["precision"] >= 0.7


def test_every_corpus_article_has_an_answer_key_whose_excerpts_are_in_its_text():
    articles = list(corpus_articles())
    assert len(articles) >= 3
    for name, text, _, _, records in articles:
        assert records, name
        assert all(record["excerpt"] in text for record in records), name


def test_same_input_same_proposals_with_excerpts_at_their_offsets():
    _name, text, published, known, _ = seed_article()
    first, second = suggest(text, published, known), suggest(text, published, known)
    assert [(p.record_type, p.fields, p.start, p.end, p.rule) for p in first] == [
        (p.record_type, p.fields, p.start, p.end, p.rule) for p in second
    ]
    assert all(text[p.start : p.end] == p.excerpt and 0 <= p.confidence <= 1 for p in first)
    assert SEPARATOR == QUOTE_SEPARATOR


def test_a_quote_split_by_its_attribution_is_one_statement_with_speaker_addressee_and_date():
    text = (
        "“We will not give up. The work goes on,” Harris told AMLO on Friday. “It matters.”\n\n"
        "“Another,” said Maria Ortiz, an economist at the central bank."
    )
    statements = of_type(suggest(text, PUBLISHED, KNOWN), "statement")
    harris = statements[0].fields
    assert harris["text"] == f"We will not give up. The work goes on,{QUOTE_SEPARATOR}It matters."
    assert (harris["speaker"], harris["addressee"]) == ("kamala-harris", "andres-manuel-lopez-obrador")
    assert (harris["said_on"], harris["date_precision"]) == ("2021-05-07", "day")
    actors = of_type(suggest(text, PUBLISHED, KNOWN), "actor")
    assert [(a.fields["name"], a.fields["role"]) for a in actors] == [
        ("Maria Ortiz", "an economist at the central bank")
    ]
    assert statements[1].fields["speaker"] == actors[0].fields["slug"] == "maria-ortiz"
    assert statements[1].needs == ["maria-ortiz"]


@pytest.mark.parametrize(
    "text, quoted, speaker",
    [
        ("« Nous restons », said Harris.", "Nous restons", "kamala-harris"),
        (
            "'We will not back down,' Harris said.",
            "We will not back down",
            "kamala-harris",
        ),  # the comma: the sentence's
        ('"Straight quotes work too," AMLO said.', "Straight quotes work too", "andres-manuel-lopez-obrador"),
        (
            "AMLO criticized “overcrowded facilities” at the border.",
            "overcrowded facilities",
            "andres-manuel-lopez-obrador",
        ),
    ],
)
def test_quote_styles(text, quoted, speaker):
    (statement,) = of_type(suggest(text, PUBLISHED, KNOWN), "statement")
    assert (statement.fields["text"], statement.fields["speaker"]) == (quoted, speaker)
    assert (statement.rule == "quotes.partial") == ("criticized" in text)


@pytest.mark.parametrize(
    "text, value, currency, status",
    [
        ("France pledged €1.2 billion in humanitarian aid to Mexico.", "1200000000", "EUR", "pledged"),
        ("The United States cut £300m in military aid to Mexico.", "300000000", "GBP", "cut"),
        ("Harris announced ¥5 trillion in development funding for Mexico.", "5000000000000", "JPY", "announced"),
        ("AMLO is seeking $4 billion in aid.", "4000000000", "USD", "requested"),
    ],
)
def test_money_with_currency_scale_and_status(text, value, currency, status):
    (aid,) = of_type(suggest(text, PUBLISHED, KNOWN), "aid_package")
    assert (aid.fields["amount"], aid.fields["currency"], aid.fields["status"]) == (value, currency, status)


@pytest.mark.parametrize(
    "text, donor, recipients",
    [
        ("The United States pledged $500 million in vaccine aid to Central America.", "US", []),
        ("The United States pledged $500 million in aid to Mexico and Latin America.", "US", ["MX"]),
        ("Mexico pledged $5 million in aid to the United States and Mexico.", "MX", ["US"]),
    ],
)
def test_an_aid_package_s_donor_is_never_its_recipient_nor_a_region_a_country(text, donor, recipients):
    (aid,) = of_type(suggest(text, PUBLISHED, KNOWN), "aid_package")
    assert (aid.fields["donor"], aid.fields["recipients"]) == (donor, recipients)


def test_figures_with_direction_qualifier_unit_and_reporter():
    text = "Arrests fell 12% in March, according to the Mexico Border Agency data. Roughly 3,000 troops stayed."
    figures = of_type(suggest(text, PUBLISHED, KNOWN), "statistic")
    change, troops = figures
    assert (change.fields["value"], change.fields["unit"], change.fields["period_start"]) == (
        "-12",
        "percent",
        "2021-03-01",
    )
    assert change.fields["title"].startswith("Decrease in")
    assert (troops.fields["value"], troops.fields["unit"], troops.fields["value_qualifier"]) == (
        "3000", "persons", "approximately"
    )  # fmt: skip


@pytest.mark.parametrize(
    "phrase, start, precision, end",
    [
        ("on Friday", "2021-05-07", "day", None),
        ("on March 23", "2021-03-23", "day", None),
        ("in March", "2021-03-01", "month", None),
        ("in 2019", "2019-01-01", "year", None),
        ("on June 7-8", "2021-06-07", "day", "2021-06-08"),
        ("last year", "2020-01-01", "year", None),
        ("this week", "2021-05-01", "month", None),
    ],
)
def test_dates_resolved_against_the_publication_date(phrase, start, precision, end):
    (event,) = of_type(suggest(f"Harris held a meeting {phrase} with AMLO.", PUBLISHED, KNOWN), "event")
    fields = event.fields
    assert (fields["start_date"], fields["date_precision"], fields.get("end_date")) == (start, precision, end)
    assert fields["status"] == ("planned" if start > "2021-05-07" else "held")


@pytest.mark.parametrize(
    "text",
    [
        "“This quote never closes, AMLO said.\n\nNor does “this one.",
        'Mixed “marks" and \'straight’ ones, “some closed” and "some not, AMLO said.',
        "墨西哥总统表示：“我们将继续合作。” 他说，边境的移民人数增加了71%。",
        "قال الرئيس: «سنواصل التعاون». وارتفع عدد المهاجرين بنسبة 71%.",
        "Президент сказал: «Мы продолжим сотрудничество». Рост составил 71%.",
        "\u0000\ufeff“”‘’«»\"'%$€ 7-8 – …",
    ],
)
def test_bad_text_gives_no_crash_and_only_wellformed_proposals(text):
    for proposal in suggest(text, PUBLISHED, KNOWN):
        assert text[proposal.start : proposal.end] == proposal.excerpt
        if proposal.record_type == "statement":
            assert all(part in proposal.excerpt for part in proposal.fields["text"].split(QUOTE_SEPARATOR))


@pytest.mark.parametrize("text", ["", "   \n\t ", None])
def test_no_text_is_refused_with_a_message(text):
    with pytest.raises(TextRefused, match="no text"):
        suggest(text, PUBLISHED, KNOWN)


def test_a_text_over_the_limit_is_refused_with_its_size():
    with pytest.raises(TextRefused, match="at most"):
        suggest("word " * (MAX_TEXT // 5 + 1), PUBLISHED, KNOWN)


def test_without_a_publication_date_only_dates_with_a_year_are_read():
    proposals = suggest("Harris held a meeting on Friday. AMLO held a meeting in 2019.", None, KNOWN)
    assert [e.fields["start_date"] for e in of_type(proposals, "event")] == ["2019-01-01"]


def test_django_start_up_imports_none_of_the_suggestion_libraries():
    """A server process pays for dateparser, babel, text2num and regex only when it suggests."""
    import subprocess
    import sys

    code = (
        "import django, sys; django.setup(); import policy.urls, policy.admin; "
        "print([m for m in ('dateparser', 'babel', 'text_to_num', 'regex') if m in sys.modules])"
    )
    env = {**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "policy.settings"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.strip() == "[]"
