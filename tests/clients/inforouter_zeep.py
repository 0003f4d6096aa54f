#!/usr/bin/env python3
"""Drives salvage's infoRouter web services with zeep, a client that builds every call from the
WSDL alone: if the WSDL declares something the server does not do (or cannot be parsed), this
fails.

Usage: inforouter_zeep.py BASE_URL   (a `salvage serve --demo` server, e.g. http://127.0.0.1:8080)

Over SOAP 1.1 it deletes a demo document, finds it in the recycle bin, restores it to its
original place and downloads it; over SOAP 1.2 it does the same with a folder. Exits non-zero
with a message on the first failure.
"""

import sys

from lxml import etree
from zeep import Client

# From crates/salvage/src/commands/demo.rs: alice may delete and restore under /Marketing.
USER, PASSWORD = "alice", "demo-password"
DOCUMENT = "/Marketing/Logos/logo.svg"
DOCUMENT_CONTENT = b'<svg xmlns="http://www.w3.org/2000/svg"/>'
FOLDER = "/Marketing/Campaigns/Autumn"


class Failure(Exception):
    pass


def element(result, op):
    """The `<response>`/`<root>` element of an `xsd:any` result. zeep hands such a result back as
    an lxml element, or wrapped in an object or list (`_value_1`), depending on how it reads the
    mixed content; text is parsed as a last resort."""
    if isinstance(result, etree._Element):
        return result
    if isinstance(result, (list, tuple)):
        for item in result:
            if not isinstance(item, str) or item.strip():
                return element(item, op)
    if hasattr(result, "_value_1"):
        return element(result._value_1, op)
    if isinstance(result, (str, bytes)) and result.strip():
        return etree.fromstring(result)
    raise Failure(f"{op}: cannot find the result element in {result!r}")


def call(service, op, **params):
    """Calls an operation and returns its result element, which must say success="true"."""
    result = element(getattr(service, op)(**params), op)
    if result.get("success", "").lower() != "true":
        raise Failure(f"{op}({params}) failed: {etree.tostring(result).decode()}")
    return result


def handler_of(service, ticket, kind, name):
    """The recycle bin handler of the caller's deleted `kind` (document|folder) named `name`."""
    content = call(service, "GetRecycleBinContent", AuthenticationTicket=ticket)
    for item in content.iter(kind):
        if item.get("Name") == name:
            handler = item.get("Handler", "")
            if not handler:
                raise Failure(f"the recycle bin lists {name} without a Handler")
            return handler
    listed = [(i.tag, i.get("Name")) for i in content]
    raise Failure(f"the recycle bin does not list the {kind} {name}: {listed}")


def round_trip(service, label, kind, path):
    """Deletes `path`, restores it from the recycle bin, and returns the ticket used."""
    ticket = call(service, "AuthenticateUser", UID=USER, PWD=PASSWORD).get("ticket")
    if not ticket:
        raise Failure(f"{label}: AuthenticateUser gave no ticket")
    delete, exists = ("DeleteDocument", "DocumentExists") if kind == "document" else ("DeleteFolder", "FolderExists")
    call(service, delete, AuthenticationTicket=ticket, Path=path)
    # DocumentExists says success="false"; FolderExists leaves `success` out. Both say why.
    gone = element(getattr(service, exists)(AuthenticationTicket=ticket, Path=path), exists)
    if gone.get("success") == "true" or "not found" not in gone.get("error", "").lower():
        raise Failure(f"{label}: after {delete}, {exists} said {etree.tostring(gone).decode()}")
    handler = handler_of(service, ticket, kind, path.rsplit("/", 1)[1])
    # An empty RestorePath restores to the original location (spec §6.6).
    call(service, "RestoreRecycleBinItem", AuthenticationTicket=ticket, ItemHandler=handler, RestorePath="")
    call(service, exists, AuthenticationTicket=ticket, Path=path)
    print(f"{label}: deleted and restored {kind} {path} (handler {handler})")
    return ticket


def main(base):
    client = Client(f"{base}/srv.asmx?WSDL")
    # The default port is the first one, SOAP 1.1; the SOAP 1.2 port is named in the WSDL.
    soap11 = client.service
    soap12 = client.bind("srv", "srvSoap12")

    ticket = round_trip(soap11, "SOAP 1.1", "document", DOCUMENT)
    # A `base64Binary` result: zeep decodes it to bytes only if the WSDL declares it so.
    content = soap11.DownloadDocument(AuthenticationTicket=ticket, Path=DOCUMENT)
    if content != DOCUMENT_CONTENT:
        raise Failure(f"DownloadDocument of the restored {DOCUMENT} gave {content!r}")
    # The HTTP GET binding too: its reply is the `<base64Binary>` element the WSDL declares.
    http_get = client.bind("srv", "srvHttpGet")
    content = http_get.DownloadDocument(AuthenticationTicket=ticket, Path=DOCUMENT)
    if content != DOCUMENT_CONTENT:
        raise Failure(f"DownloadDocument over HTTP GET gave {content!r}")

    ticket = round_trip(soap12, "SOAP 1.2", "folder", FOLDER)
    # Typed parameters: the flags are `s:boolean`, so zeep takes Python booleans for them.
    folder = call(
        soap12,
        "GetFolder",
        AuthenticationTicket=ticket,
        Path=FOLDER,
        WithRules=False,
        withPropertySets=False,
        withSecurity=False,
        withOwner=True,
    )
    found = folder.find("folder")
    if found is None or found.get("Name") != FOLDER.rsplit("/", 1)[1]:
        raise Failure(f"GetFolder of the restored folder: {etree.tostring(folder).decode()}")
    print("zeep: all calls succeeded")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} BASE_URL")
    try:
        main(sys.argv[1].rstrip("/"))
    except Failure as e:
        sys.exit(f"FAILED: {e}")
