"""The review queue in the admin, and slugs proposed on the records' add forms."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from policy.curation import queue
from policy.models import Actor, Source, Statement, Suggestion, Topic

CHANGELIST = reverse("admin:policy_suggestion_changelist")


def suggest(speaker="kamala-harris"):
    source = Source.objects.get(slug="usa-today-biden-mexico-2021-05-07")
    words = "It probably won’t be easy."
    fields = {"speaker": speaker, "text": words, "kind": "paraphrase"}
    suggestion = queue.propose(
        "statement", fields, source=source, excerpt=words, origin="import", origin_detail="f row 2"
    )
    suggestion.save()
    return suggestion


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_bulk_accept_reports_each_row(admin_client, superuser):
    good, bad = suggest(), suggest(speaker="nobody-at-all")
    response = admin_client.post(CHANGELIST, {"action": "accept_selected", "_selected_action": [good.pk, bad.pk]})
    messages = texts(response)
    good.refresh_from_db()
    assert f"#{good.pk}: created statement {good.record_key}." in messages
    assert any(m.startswith(f"#{bad.pk} (statement “It probably won’t be easy.”): speaker:") for m in messages)
    assert "Accepted 1 of 2 suggestions." in messages
    assert (
        Statement.objects.get(slug=good.record_key).history.get().history_change_reason
        == f"accepted suggestion #{good.pk}"
    )
    bad.refresh_from_db()
    assert bad.state == "pending" and bad.reason.startswith("Not accepted: speaker:")


@pytest.mark.django_db
def test_bulk_reject_asks_for_a_reason(admin_client):
    one, two = suggest(), suggest()
    data = {"action": "reject_selected", "_selected_action": [one.pk, two.pk]}
    page = admin_client.post(CHANGELIST, data)
    assert page.status_code == 200 and b"Reject 2 suggestions" in page.content
    response = admin_client.post(CHANGELIST, {**data, "apply": "Reject", "reason": "Duplicates."})
    assert "Rejected 2 of 2 suggestions." in texts(response)
    assert set(Suggestion.objects.values_list("state", "reason")) == {("rejected", "Duplicates.")}


@pytest.mark.django_db
def test_the_change_form_edits_then_accepts_or_rejects(admin_client):
    suggestion = suggest(speaker="nobody-at-all")
    url = reverse("admin:policy_suggestion_change", args=[suggestion.pk])
    page = admin_client.get(url)
    assert b'name="_accept"' in page.content
    fields = '{"speaker": "joe-biden", "text": "It probably won\\u2019t be easy.", "kind": "paraphrase"}'
    form = {"record_type": "statement", "fields": fields, "source": suggestion.source_id, "excerpt": suggestion.excerpt}
    admin_client.post(url, {**form, "_accept": "Save and accept"})
    suggestion.refresh_from_db()
    assert (
        suggestion.state == "accepted" and Statement.objects.get(slug=suggestion.record_key).speaker.slug == "joe-biden"
    )
    other = suggest()
    url = reverse("admin:policy_suggestion_change", args=[other.pk])
    form["fields"] = '{"speaker": "kamala-harris", "text": "x", "kind": "paraphrase"}'
    admin_client.post(url, {**form, "_reject": "Reject", "rejection_reason": "Not hers."})
    other.refresh_from_db()
    assert (other.state, other.reason) == ("rejected", "Not hers.")


@pytest.mark.django_db
def test_a_reject_without_a_reason_stays_on_the_form_with_the_error_alone(admin_client):
    suggestion = suggest()
    url = reverse("admin:policy_suggestion_change", args=[suggestion.pk])
    fields = '{"speaker": "joe-biden", "text": "It probably won\\u2019t be easy.", "kind": "paraphrase"}'
    form = {"record_type": "statement", "fields": fields, "source": suggestion.source_id, "excerpt": suggestion.excerpt}
    response = admin_client.post(url, {**form, "_reject": "Reject", "rejection_reason": ""})
    assert response.status_code == 302 and response["Location"] == url
    shown = texts(response)
    assert len(shown) == 1 and "reason" in shown[0] and "the edits are saved" in shown[0], shown
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.fields["speaker"]) == ("pending", "joe-biden")


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ['["x"]', "null", "42", '"just a string"', "[1, 2]"])
@pytest.mark.parametrize("button", ["_accept", "_continue"])
def test_fields_that_are_not_an_object_are_a_form_error_not_a_500(admin_client, typed, button):
    suggestion = suggest()
    url = reverse("admin:policy_suggestion_change", args=[suggestion.pk])
    form = {"record_type": "statement", "fields": typed, "source": suggestion.source_id, "excerpt": suggestion.excerpt}
    page = admin_client.post(url, {**form, button: "Save"})
    assert page.status_code == 200 and "Must be an object" in page.content.decode()
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.fields["speaker"]) == ("pending", "kamala-harris")


@pytest.mark.django_db
def test_a_suggestion_stored_with_fields_not_an_object_is_refused_on_accept_not_a_500(admin_client, superuser):
    suggestion = suggest()
    Suggestion.objects.filter(pk=suggestion.pk).update(fields=42)  # past the form's and the API's checks
    suggestion.refresh_from_db()
    with pytest.raises(queue.drf.ValidationError) as refused:
        queue.accept(suggestion, superuser)
    assert "Must be an object" in str(refused.value.detail["fields"][0])
    assert Suggestion.objects.get(pk=suggestion.pk).state == "pending"


@pytest.mark.django_db
def test_the_queue_lists_and_filters_by_source_and_state(admin_client):
    suggestion = suggest()
    page = admin_client.get(CHANGELIST, {"source__id__exact": suggestion.source_id, "state__exact": "pending"})
    assert page.status_code == 200 and b"It probably won" in page.content
    assert b"Import records" in page.content


@pytest.mark.django_db
def test_the_add_form_proposes_a_unique_slug_when_left_empty(admin_client):
    Topic.objects.create(slug="cafe-politica", name="Existing")
    form = {"slug": "", "name": "Café Política", "description": ""}
    response = admin_client.post(reverse("admin:policy_topic_add"), form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Topic.objects.filter(name="Café Política").get().slug == "cafe-politica-2"
    page = admin_client.get(reverse("admin:policy_actor_add"))
    assert b"Leave empty to propose one from the name" in page.content
    assert Actor.objects.count() > 0
