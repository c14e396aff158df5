"""Before a request type is measured: do the API, the floor and Datasette answer the same data?

The floor must answer what the API does: the same `count` and `results` (JSON), the same rows (CSV).
Datasette's answers have another shape (its rows are the table's columns, without the API's
many-to-many links), so against it: the same count and the same rows in the same order, as the
values of the column the list is ordered by (slugs, or the dates for a newest-first list, whose
ties each side may break its own way); a detail's slug; a CSV's number of rows."""

import csv
import io
import json


def csv_rows(body):
    return list(csv.reader(io.StringIO(body.decode())))


def same_data(api, floor):
    """'' if the floor's answer (status, body) holds the API's data, else what differs."""
    (status, api), (floor_status, floor) = api, floor
    if status != 200 or floor_status != 200:
        return f"status {status} / floor {floor_status}"
    if api.startswith(b"{") and floor.startswith(b"{"):
        api, floor = json.loads(api), json.loads(floor)
        if "results" in api:
            api, floor = (api["count"], api["results"]), (floor["count"], floor["results"])
        return "" if api == floor else "floor: different JSON"
    api_rows, floor_rows = csv_rows(api), csv_rows(floor)
    return "" if api_rows == floor_rows else f"floor: different CSV ({len(api_rows)} vs {len(floor_rows)} rows)"


def same_as_peer(api, peer, ordered_by="slug"):
    """'' if Datasette's answer (status, body) holds the API's rows, else what differs."""
    (status, api), (peer_status, peer) = api, peer
    if status != 200 or peer_status != 200:
        return f"status {status} / Datasette {peer_status}"
    if not api.startswith(b"{"):
        api_rows, peer_rows = len(csv_rows(api)), len(csv_rows(peer))
        return "" if api_rows == peer_rows else f"Datasette: {peer_rows - 1} CSV rows, API {api_rows - 1}"
    api, peer = json.loads(api), json.loads(peer)
    if "results" not in api:  # a detail
        return "" if [api["slug"]] == [row["slug"] for row in peer["rows"]] else "Datasette: another record"
    counted = peer["filtered_table_rows_count"]
    # The API counts up to COUNT_LIMIT and then says "more" (`count_is_exact`: false); Datasette counts all.
    bounded = api.get("count_is_exact") is False and counted > api["count"]
    if api["count"] != counted and not bounded:
        return f"Datasette: count {counted}, API {api['count']}"
    if [row[ordered_by] for row in api["results"]] != [row[ordered_by] for row in peer["rows"]]:
        return f"Datasette: other rows (by {ordered_by})"
    return ""
