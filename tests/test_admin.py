"""One generic set of admin tests, run for every model the admin registers from this app.

Records, search terms, filters and form data all come from the loaded fixtures and the pages
the admin renders, so a new model is covered by registering it.
"""

import re

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection, models
from django.forms.models import fields_for_model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import policy.models
from policy.models import Source, Statement
from policy.models.base import Cited

pytestmark = pytest.mark.django_db

# The editable records' admins; the log of redactions is read-only (tests/test_history.py), and the
# review queue is not a record (tests/test_review_admin.py).
REGISTERED = [
    pytest.param(model, model_admin, id=model.__name__)
    for model, model_admin in admin.site._registry.items()
    if model._meta.app_label == "policy" and model not in (policy.models.Redaction, policy.models.Suggestion)
]
AUTOCOMPLETES = [
    pytest.param(param.values[0], field, id=f"{param.values[0].__name__}.{field}")
    for param in REGISTERED
    for field in param.values[1].autocomplete_fields
]
DATED = [param for param in REGISTERED if param.values[1].date_hierarchy]
CITED = [param for param in REGISTERED if issubclass(param.values[0], Cited)]
BAD_EXCERPT = "Words this source never printed."


def url(model, view, *args):
    return reverse(f"admin:policy_{model._meta.model_name}_{view}", args=args)


def existing(model):
    record = model.objects.order_by("pk").first()
    if record is None:
        pytest.skip(f"the fixtures hold no {model.__name__}")
    return record


def cited_with_text(model):
    """A record whose source's text we hold, so its excerpt is checked on save."""
    record = model.objects.exclude(source__text="").order_by("pk").first()
    if record is None:
        pytest.skip(f"the fixtures hold no {model.__name__} citing a source with text")
    return record


def value_at(obj, lookup):
    """The value a search field (`speaker__name`) finds on this record."""
    for name in lookup.split("__"):
        obj = getattr(obj, name)
    return obj


def search_term(obj, model_admin):
    """Words of the record's first searchable text: the admin finds records holding every one."""
    text = str(value_at(obj, model_admin.search_fields[0]))
    return " ".join(re.findall(r"\w+", text)[:8])


def postable(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return value


def form_values(*forms):
    return {field.html_name: postable(field.value()) for form in forms for field in form}


def rendered_form_data(response):
    """What a browser would post back unchanged: the values of every field the admin rendered,
    in its own form and in each inline formset (with the formset's management form)."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    return form_values(*forms)


def editable_text_field(model):
    """A free-text field whose change cannot break a constraint or a citation."""
    for field in model._meta.concrete_fields:
        if (
            isinstance(field, (models.CharField, models.TextField))
            and not isinstance(field, models.SlugField)
            and field.editable
            and not (field.choices or field.unique)
            and field.name not in ("excerpt", "text")  # a source's text and a citation must keep matching
        ):
            return field.name
    return None


def form_errors(response):
    if response.status_code != 200 or not response.context:
        return ""
    inline_errors = [inline.formset.errors for inline in response.context.get("inline_admin_formsets", [])]
    return f"{response.context['adminform'].form.errors} {inline_errors}"


def test_every_model_is_registered():
    expected = {getattr(policy.models, name) for name in policy.models.__all__}
    assert {param.values[0] for param in REGISTERED} | {policy.models.Redaction, policy.models.Suggestion} == expected
    assert policy.models.Redaction in admin.site._registry


@pytest.mark.parametrize("model, model_admin", REGISTERED)
def test_changelist_searches_and_filters(admin_client, model, model_admin):
    record = existing(model)
    response = admin_client.get(url(model, "changelist"), {"q": search_term(record, model_admin)})
    assert response.status_code == 200
    changelist = response.context["cl"]
    assert changelist.queryset.filter(pk=record.pk).exists()

    # Each filter in the sidebar (countries and topics have none), its first real choice, with the search.
    for spec in changelist.filter_specs:
        choice = next(choice for choice in spec.choices(changelist) if not choice["selected"])
        filtered = admin_client.get(url(model, "changelist") + choice["query_string"])
        assert filtered.status_code == 200, (spec.title, choice["query_string"])


@pytest.mark.parametrize("model, field", AUTOCOMPLETES)
def test_autocomplete_finds_related_records(admin_client, model, field):
    target = model._meta.get_field(field).related_model
    record = existing(target)
    query = {"app_label": "policy", "model_name": model._meta.model_name, "field_name": field}
    query["term"] = search_term(record, admin.site._registry[target])
    response = admin_client.get(reverse("admin:autocomplete"), query)
    assert response.status_code == 200
    assert str(record.pk) in [result["id"] for result in response.json()["results"]]


@pytest.mark.parametrize("model, model_admin", REGISTERED)
def test_changelist_queries_do_not_grow_with_rows(admin_client, model, model_admin):
    """The rows' related columns come with the rows (list_select_related), not one query each."""
    existing(model)
    changelist = url(model, "changelist")
    admin_client.get(changelist)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as without_rows:
        assert admin_client.get(changelist, {"q": "no-record-matches-this"}).context["cl"].result_count == 0
    with CaptureQueriesContext(connection) as with_rows:
        assert admin_client.get(changelist).context["cl"].result_count > 0
    assert len(with_rows) == len(without_rows), [query["sql"] for query in with_rows.captured_queries]


@pytest.mark.parametrize("model, model_admin", DATED)
def test_changelist_drills_down_by_date(admin_client, model, model_admin):
    field = model_admin.date_hierarchy
    record = model.objects.exclude(**{field: None}).order_by("pk").first()
    if record is None:
        pytest.skip(f"no {model.__name__} has a {field}")
    date = getattr(record, field)
    query = {f"{field}__year": date.year, f"{field}__month": date.month}
    response = admin_client.get(url(model, "changelist"), query)
    assert response.status_code == 200
    assert response.context["cl"].queryset.filter(pk=record.pk).exists()


@pytest.mark.parametrize("model, model_admin", REGISTERED)
def test_add_page_offers_every_editable_field(admin_client, model, model_admin):
    response = admin_client.get(url(model, "add"))
    assert response.status_code == 200
    # A many-to-many field with its own through model (Policy.related) is edited through inlines.
    through_inlines = {
        field.name for field in model._meta.many_to_many if not field.remote_field.through._meta.auto_created
    }
    assert set(fields_for_model(model)) - through_inlines <= set(response.context["adminform"].form.fields)


@pytest.mark.parametrize("model, model_admin", REGISTERED)
def test_change_page_renders(admin_client, model, model_admin):
    record = existing(model)
    response = admin_client.get(url(model, "change", record.pk))
    assert response.status_code == 200
    assert response.context["original"] == record


@pytest.mark.parametrize("model, model_admin", REGISTERED)
def test_edit_through_the_change_form_persists(admin_client, model, model_admin):
    record = existing(model)
    change_url = url(model, "change", record.pk)
    data = rendered_form_data(admin_client.get(change_url))
    field = editable_text_field(model)
    if field:
        data[field] = f"{getattr(record, field)} (edited)".strip()
    else:  # e.g. PolicyRelation, all references and choices: pick the next choice instead
        field = next(field.name for field in model._meta.concrete_fields if field.choices)
        choices = [value for value, _ in model._meta.get_field(field).choices]
        data[field] = choices[(choices.index(getattr(record, field)) + 1) % len(choices)]

    response = admin_client.post(change_url, {**data, "_save": "Save"})

    assert response.status_code == 302, form_errors(response)
    record.refresh_from_db()
    assert getattr(record, field) == data[field]


@pytest.mark.parametrize("model, model_admin", REGISTERED)
def test_history_shows_who_edited(admin_client, superuser, model, model_admin):
    record = existing(model)
    change_url = url(model, "change", record.pk)
    data = rendered_form_data(admin_client.get(change_url))
    assert admin_client.post(change_url, {**data, "_save": "Save"}).status_code == 302

    response = admin_client.get(url(model, "history", record.pk))

    assert response.status_code == 200
    latest = response.context["page_obj"][0]
    assert latest.history_user == superuser
    user_link = reverse("admin:auth_user_change", args=[superuser.pk])
    assert f'<a href="{user_link}">{superuser.username}</a>' in response.text


@pytest.mark.parametrize("model, model_admin", REGISTERED)
def test_a_save_without_a_reason_records_none_and_shows_none(admin_client, model, model_admin):
    """The admin's history showed “None” as the change reason of every admin save (NULL, where the
    API's writes record an empty reason)."""
    record = existing(model)
    change_url = url(model, "change", record.pk)
    admin_client.post(change_url, {**rendered_form_data(admin_client.get(change_url)), "_save": "Save"})
    assert model.history.filter(id=record.pk).latest("history_id").history_change_reason == ""
    page = admin_client.get(url(model, "history", record.pk)).content.decode()
    latest = re.search(r"<tbody>\s*<tr>(.*?)</tr>", page, re.S).group(1)
    cells = [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", latest, re.S)]
    assert cells[2:5] == ["Changed", "admin", ""], cells


@pytest.mark.parametrize("model, model_admin", REGISTERED)
@pytest.mark.parametrize("tail", ["abc/history/", "6/change/history/", "{pk}/history/abc/", "abc/history/1/"])
def test_a_malformed_history_address_says_no_such_record(admin_client, model, model_admin, tail):
    """As Django's admin answers `/admin/auth/user/abc/history/`: to the admin's index, with a message."""
    changelist = url(model, "changelist")
    response = admin_client.get(changelist + tail.format(pk=existing(model).pk), follow=True)
    assert response.status_code == 200 and response.redirect_chain[0][1] == 302
    assert "doesn’t exist" in " ".join(str(message) for message in response.context["messages"])


@pytest.mark.parametrize("model, model_admin", CITED)
def test_change_form_refuses_an_excerpt_not_in_the_source(admin_client, model, model_admin):
    record = cited_with_text(model)
    change_url = url(model, "change", record.pk)
    data = rendered_form_data(admin_client.get(change_url))

    response = admin_client.post(change_url, {**data, "excerpt": BAD_EXCERPT, "_save": "Save"})

    assert response.status_code == 200
    assert "does not occur verbatim" in response.context["adminform"].form.errors["excerpt"][0]
    assert "does not occur verbatim in the text of source" in response.text
    record.refresh_from_db()
    assert record.excerpt != BAD_EXCERPT


@pytest.mark.parametrize("model, model_admin", CITED)
def test_add_form_refuses_an_excerpt_not_in_the_source(admin_client, model, model_admin):
    record = cited_with_text(model)
    add_page = rendered_form_data(admin_client.get(url(model, "add")))
    copy = form_values(admin_client.get(url(model, "change", record.pk)).context["adminform"].form)
    count = model.objects.count()

    response = admin_client.post(url(model, "add"), {**add_page, **copy, "slug": "test-new", "excerpt": BAD_EXCERPT})

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["excerpt"]
    assert model.objects.count() == count


@pytest.mark.parametrize("model, model_admin", CITED)
def test_multi_line_excerpt_from_a_browser_matches(admin_client, model, model_admin):
    """Browsers post textarea line breaks as CRLF; the source's text holds LF."""
    record = cited_with_text(model)
    change_url = url(model, "change", record.pk)
    data = rendered_form_data(admin_client.get(change_url))
    text = record.source.text
    line_break = text.find("\n")
    if line_break < 0:
        pytest.skip("the source's text has no line break")
    # Whole words on either side of the line break (an excerpt never cuts a word).
    excerpt = text[text.rfind(" ", 0, line_break - 20) + 1 : text.find(" ", line_break + 20)]

    response = admin_client.post(change_url, {**data, "excerpt": excerpt.replace("\n", "\r\n"), "_save": "Save"})

    assert response.status_code == 302, form_errors(response)
    record.refresh_from_db()
    assert record.excerpt == excerpt


def cited_source():
    """A source with text that some record cites, and that record."""
    for model in Cited.__subclasses__():
        record = model.objects.exclude(source__text="").select_related("source").order_by("pk").first()
        if record:
            return record.source, record
    pytest.skip("the fixtures hold no record citing a source with text")


def test_source_text_that_drops_a_cited_excerpt_is_refused(admin_client):
    source, record = cited_source()
    change_url = url(Source, "change", source.pk)
    data = rendered_form_data(admin_client.get(change_url))

    response = admin_client.post(change_url, {**data, "text": source.text.replace(record.excerpt, ""), "_save": "Save"})

    assert response.status_code == 200
    assert record.slug in response.context["adminform"].form.errors["text"][0]
    source.refresh_from_db()
    assert record.excerpt in source.text


def test_source_text_edit_moves_the_cited_offsets(admin_client):
    source, record = cited_source()
    change_url = url(Source, "change", source.pk)
    data = rendered_form_data(admin_client.get(change_url))

    response = admin_client.post(change_url, {**data, "text": "Editor's note.\n" + source.text, "_save": "Save"})

    assert response.status_code == 302, form_errors(response)
    moved = type(record).objects.get(pk=record.pk)
    assert (moved.excerpt_start, moved.excerpt_end) == (record.excerpt_start + 15, record.excerpt_end + 15)
    call_command("verify_citations", verbosity=0)


# Issue 13: the fields that say how exact a value is and where an event stood, and cited policy links.


@pytest.mark.parametrize(
    "model, query, expected",
    [
        (policy.models.Statistic, {"value_qualifier__exact": "approximately"}, 4),
        (policy.models.Statistic, {"value_qualifier__exact": "more_than"}, 2),
        (policy.models.AidPackage, {"value_qualifier__exact": "exact"}, 4),
        (policy.models.Event, {"status__exact": "planned"}, 1),
    ],
)
def test_changelists_filter_by_qualifier_and_status(admin_client, model, query, expected):
    response = admin_client.get(url(model, "changelist"), query)
    assert response.status_code == 200
    assert response.context["cl"].result_count == expected
    assert model.objects.filter(**query).count() == expected


def link_formset(response):
    return next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.fk.name == "from_policy")


def test_a_policys_links_are_edited_with_their_citation(admin_client):
    policy_ = policy.models.Policy.objects.get(slug="biden-reversal-of-trump-era-immigration-policies")
    change_url = url(policy.models.Policy, "change", policy_.pk)
    response = admin_client.get(change_url)
    formset = link_formset(response)
    assert {"source", "excerpt", "notes"} <= set(formset.forms[0].fields)
    assert "after Biden reversed Trump-era" in response.text

    data = rendered_form_data(response)
    response = admin_client.post(change_url, {**data, f"{formset.prefix}-0-excerpt": BAD_EXCERPT, "_save": "Save"})

    assert response.status_code == 200
    assert "does not occur verbatim" in str(link_formset(response).errors)
    assert not policy.models.PolicyRelation.objects.filter(excerpt=BAD_EXCERPT).exists()


def test_a_policy_link_page_refuses_an_excerpt_not_in_the_source(admin_client):
    link = policy.models.PolicyRelation.objects.order_by("pk").first()
    change_url = url(policy.models.PolicyRelation, "change", link.pk)
    response = admin_client.get(change_url)
    assert "Excerpt in context" in response.text
    data = rendered_form_data(response)

    response = admin_client.post(change_url, {**data, "excerpt": BAD_EXCERPT, "_save": "Save"})

    assert response.status_code == 200
    assert "does not occur verbatim" in response.context["adminform"].form.errors["excerpt"][0]
    link.refresh_from_db()
    assert link.excerpt != BAD_EXCERPT


def test_a_quote_the_admin_saves_is_words_its_excerpt_prints(admin_client):
    quote = policy.models.Statement.objects.get(slug="amlo-expectations-better-treatment-of-migrants")
    change_url = url(policy.models.Statement, "change", quote.pk)
    data = rendered_form_data(admin_client.get(change_url))
    joined = quote.text.replace(" […] ", " ")  # the join the audit found: words said nowhere

    response = admin_client.post(change_url, {**data, "text": joined, "_save": "Save"})

    assert response.status_code == 200
    assert "must occur verbatim" in response.context["adminform"].form.errors["text"][0]
    response = admin_client.post(change_url, {**data, "_save": "Save"})
    assert response.status_code == 302, form_errors(response)


@pytest.mark.parametrize(
    "said_on, message",
    [
        ("2021-02-30", "“2021-02-30” is not a day of the calendar: February 2021's days run from 01 to 28."),
        ("2021-13-01", "“2021-13-01” is not a day of the calendar: months run from 01 to 12."),
        ("0000-01-01", "“0000-01-01” is not a day of the calendar: years run from 0001."),
    ],
)
def test_a_date_that_is_no_day_says_so(admin_client, said_on, message):
    """The change form said "Enter a valid date.", as for a date of the wrong shape."""
    statement = Statement.objects.order_by("pk").first()
    change_url = url(Statement, "change", statement.pk)
    data = rendered_form_data(admin_client.get(change_url))
    response = admin_client.post(change_url, {**data, "said_on": said_on, "_save": "Save"})
    assert response.context["adminform"].form.errors["said_on"] == [message]
