#!/usr/bin/env python3
"""A client generated from salvage's OpenAPI document by openapi-python-client runs a short story
against a real server: if the document says something the server does not do, the generated
code fails here (a status it does not know comes back unparsed, a body that does not match its
model does not load, a file body it cannot send or read).

Usage: openapi_story.py BASE_URL CLIENT_DIR
  BASE_URL    a `salvage serve --demo` server, e.g. http://127.0.0.1:8080
  CLIENT_DIR  the directory holding the generated package `salvage_client`

As alice, it lists her recycle bin, preflights and restores a deleted document, uploads a binary
file and downloads it (whole and a range) byte-identical; refusals must come back as problems.
Exits non-zero with a message on the first failure.
"""

import io
import sys

# From crates/salvage/src/commands/demo.rs: alice deleted this document and may restore it.
USER, PASSWORD = "alice", "demo-password"
DELETED_NAME = "logo-dark.svg"
FOLDER = "/Marketing/Logos"
UPLOAD_NAME = "story.bin"
# Every byte value, including those that are not text, and more than one read's worth.
CONTENT = bytes(range(256)) * 300 + b"\x00\xff end"


class Failure(Exception):
    pass


def expect(response, status, what):
    """The parsed body of `response`, which must have `status`."""
    if response.status_code != status:
        raise Failure(f"{what}: expected {status}, got {response.status_code}: {response.content[:500]!r}")
    return response.parsed


def main():
    base, client_dir = sys.argv[1].rstrip("/"), sys.argv[2]
    sys.path.insert(0, client_dir)
    from salvage_client import AuthenticatedClient, Client
    from salvage_client.api.repository import download_document, resolve_path, upload_document
    from salvage_client.api.sessions import get_me, login
    from salvage_client.api.trash import list_trash, preflight_restore, restore_trash
    from salvage_client.models import (
        ConflictPolicy,
        ItemStatus,
        LoginRequest,
        MissingParentPolicy,
        NodeKind,
        Problem,
        RestoreOptionsBody,
        RestoreReport,
        RestoreRequest,
        SessionView,
        Stage,
        TrashPage,
        TrashSort,
        UploadView,
    )
    from salvage_client.types import File

    api = f"{base}/api/v1"

    # Refusals are problems the client reads, not `None`.
    anonymous = Client(base_url=api)
    refused = expect(list_trash.sync_detailed(client=anonymous), 401, "list the bin without a token")
    if not isinstance(refused, Problem) or refused.code != "unauthenticated":
        raise Failure(f"a 401 came back as {refused!r}")
    wrong = expect(
        login.sync_detailed(client=anonymous, body=LoginRequest(login=USER, password="wrong")),
        401,
        "log in with a wrong password",
    )
    if not isinstance(wrong, Problem):
        raise Failure(f"a refused login came back as {wrong!r}")

    session = expect(
        login.sync_detailed(client=anonymous, body=LoginRequest(login=USER, password=PASSWORD)),
        201,
        "log in",
    )
    if not isinstance(session, SessionView):
        raise Failure(f"the login came back as {session!r}")
    client = AuthenticatedClient(base_url=api, token=session.token)
    me = expect(get_me.sync_detailed(client=client), 200, "who am I")
    print(f"logged in as {me.username} ({me.role})")

    bad = expect(list_trash.sync_detailed(client=client, limit=0), 400, "list the bin with limit 0")
    if not isinstance(bad, Problem) or bad.code != "invalid-input":
        raise Failure(f"a 400 came back as {bad!r}")

    page = expect(
        list_trash.sync_detailed(client=client, stage=Stage.USER_BIN, sort=TrashSort.NEWEST), 200, "list the bin"
    )
    if not isinstance(page, TrashPage):
        raise Failure(f"the bin came back as {page!r}")
    item = next((i for i in page.items if i.name == DELETED_NAME), None)
    if item is None or item.kind != NodeKind.DOCUMENT or item.stage != Stage.USER_BIN:
        raise Failure(f"{DELETED_NAME} is not in alice's bin as a document: {page.items!r}")
    print(f"the bin holds {len(page.items)} item(s), {DELETED_NAME} among them")

    request = RestoreRequest(
        items=[item.id],
        options=RestoreOptionsBody(on_conflict=ConflictPolicy.RENAME, missing_parent=MissingParentPolicy.RECREATE),
    )
    preflight = expect(preflight_restore.sync_detailed(client=client, body=request), 200, "preflight")
    if not isinstance(preflight, RestoreReport) or preflight.applied or preflight.results[0].status != ItemStatus.RESTORED:
        raise Failure(f"the preflight says {preflight!r}")
    restored = expect(restore_trash.sync_detailed(client=client, body=request), 200, "restore")
    if not restored.applied or restored.restored != 1:
        raise Failure(f"the restore says {restored!r}")
    back = expect(
        resolve_path.sync_detailed(client=client, path=f"{FOLDER}/{DELETED_NAME}"), 200, "find the restored document"
    )
    print(f"restored {back.path}")

    folder = expect(resolve_path.sync_detailed(client=client, path=FOLDER), 200, f"find {FOLDER}")
    uploaded = expect(
        upload_document.sync_detailed(
            id=folder.id,
            client=client,
            name=UPLOAD_NAME,
            body=File(payload=io.BytesIO(CONTENT), file_name=UPLOAD_NAME, mime_type="application/octet-stream"),
        ),
        201,
        "upload",
    )
    if not isinstance(uploaded, UploadView) or uploaded.version.size != len(CONTENT):
        raise Failure(f"the upload came back as {uploaded!r}")
    print(f"uploaded {uploaded.document.path} ({uploaded.version.size} bytes)")

    whole = expect(download_document.sync_detailed(id=uploaded.document.id, client=client), 200, "download")
    if not isinstance(whole, File) or whole.payload.read() != CONTENT:
        raise Failure("the download is not the uploaded file")
    part = expect(
        download_document.sync_detailed(id=uploaded.document.id, client=client, range_="bytes=256-511"),
        206,
        "download a range",
    )
    if part.payload.read() != CONTENT[256:512]:
        raise Failure("the range is not the uploaded file's bytes 256-511")
    print("downloaded the file byte-identical, whole and a range")
    print("openapi client story: all steps passed")


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
