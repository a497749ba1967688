"""What each SDK generation puts on the wire differently, in one place (protocol.md §2, §6,
§6.1). Everything not listed here is the same in all generations (§1: Socket.IO v5 over
websocket only, namespace /plugin, no auth, `heartbeat` {id, secret} on connect and every
60 s, `log` events, the `response` event).
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Generation:
    name: str
    # §2: "Older SDKs used GET /v2/exportV3?project=&format=&sendEmail=false&..."; §6.1: the
    # newest fetches GET /v2/export?sendEmail=false&... and "never calls /v2/exportV3".
    export_path: str
    # §6.1: "the newest SDK calls callback(data) with the dict positionally; 1.2 calls
    # callback(**data)". 1.3 still had the keyword call.
    positional_callback: bool
    # §6.1: "A raising callback: the newest answers {"error": true, "session"} ... 1.2 never
    # answers"; §6: "Old SDKs never answer when the export fetch, the callback or the upload
    # fails".
    answers_callback_error: bool
    # §6: "SDK <= 1.3 uploads with GET /v2/getUploadUrl?name=<projectId>/exports/<file> (no
    # project, no type), then GET /v2/getSignedUrl?name=<uploadUrl>; the newest SDK sends
    # name=<file>&project=<pid>&type=exports[&storageId=]".
    old_upload_names: bool
    # §6: "the oldest SDK answered {"response": <upload URL without its query>, "session"}
    # with no export key". 1.2 is the oldest generation emulated here.
    oldest_answer: bool
    # §6.1: "SDK 1.2 has no REST connector"; the REST connector (§4) came with 1.3.
    rest_connector: bool
    # §6.1: the newest's get_assets always sends filters=<percent-encoded JSON>; older ones
    # `_id=` / `externalId=` (§6 table).
    assets_filters: bool
    # §6.1: get_task sends includeAnswer=False; get_tasks includeAnswer=false|true and
    # filter=<url-quoted JSON> instead of status[eq]/stage/batches.
    task_include_answer: bool
    # §6.1: "Storages: GET /v2/storages?_id=<id> with Content-Type: application/json;
    # non-2xx raises".
    storages_raise: bool


GENERATIONS = {
    "1.2": Generation("1.2", "/v2/exportV3", positional_callback=False,
                      answers_callback_error=False, old_upload_names=True, oldest_answer=True,
                      rest_connector=False, assets_filters=False, task_include_answer=False,
                      storages_raise=False),
    "1.3": Generation("1.3", "/v2/exportV3", positional_callback=False,
                      answers_callback_error=False, old_upload_names=True, oldest_answer=False,
                      rest_connector=True, assets_filters=False, task_include_answer=False,
                      storages_raise=False),
    "newest": Generation("newest", "/v2/export", positional_callback=True,
                         answers_callback_error=True, old_upload_names=False,
                         oldest_answer=False, rest_connector=True, assets_filters=True,
                         task_include_answer=True, storages_raise=True),
}


def generation(name):
    try:
        return GENERATIONS[name]
    except KeyError:
        raise ValueError("unknown SDK generation %r (one of %s)" %
                         (name, ", ".join(GENERATIONS))) from None
