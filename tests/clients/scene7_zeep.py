#!/usr/bin/env python3
"""A real WSDL-driven client against salvage's Scene7 IPS service.

Python zeep loads {base}/scene7/webservice/IpsApi[-version].wsdl, then calls getCompanyInfo,
searchAssets, deleteAssets and restoreAssetsFromTrash (and provokes one fault), checking every
answer. Exits non-zero on the first failure.

    python3 -m venv .venv && .venv/bin/pip install zeep
    salvage serve --demo &
    .venv/bin/python tests/clients/scene7_zeep.py http://127.0.0.1:8080 \
        --user admin --password demo-admin --company default

Credentials go in the authHeader SOAP header (--auth header, the default) or as HTTP Basic
(--auth basic, as the zeep scripts written for IPS do).
"""

import argparse
import sys

import requests
import zeep
from zeep.exceptions import Fault
from zeep.transports import Transport


def check(condition, message):
    if not condition:
        print(f"FAIL: {message}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {message}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base", help="the server's base URL, e.g. http://127.0.0.1:8080")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default="demo-admin")
    parser.add_argument("--company", default="default", help="the company (tenant) name")
    parser.add_argument("--version", default="", help="an API version such as 2014-04-03; unversioned if empty")
    parser.add_argument("--auth", choices=["header", "basic"], default="header")
    args = parser.parse_args()

    base = args.base.rstrip("/")
    wsdl = f"{base}/scene7/webservice/IpsApi{'-' + args.version if args.version else ''}.wsdl"
    session = requests.Session()
    headers = {}
    if args.auth == "basic":
        session.auth = (args.user, args.password)
    else:
        headers = {"authHeader": {"user": args.user, "password": args.password, "appName": "scene7_zeep", "appVersion": "1.0"}}
    client = zeep.Client(wsdl, transport=Transport(session=session))
    service = client.service
    print(f"loaded {wsdl}")

    info = service.getCompanyInfo(companyName=args.company, _soapheaders=headers)
    company = info.companyHandle
    check(info.name == args.company and info.rootPath == f"{args.company}/", f"getCompanyInfo: {company} {info.rootPath}")

    def search(**criteria):
        found = service.searchAssets(companyHandle=company, includeSubfolders=True, _soapheaders=headers, **criteria)
        assets = found.assetArray["items"] if found.assetArray is not None else []
        check(found.totalRows == len(assets), f"searchAssets {criteria or ''}: totalRows {found.totalRows}")
        return assets

    live = search()
    check(len(live) >= 2, f"searchAssets finds live assets ({len(live)})")
    check(all(a.trashState == "NotInTrash" for a in live), "live assets are NotInTrash")
    chosen = live[:2]
    chosen_handles = [a.assetHandle for a in chosen]
    print(f"deleting {[(a.assetHandle, a.folder + a.fileName) for a in chosen]}")

    deleted = service.deleteAssets(companyHandle=company, assetHandleArray={"items": chosen_handles}, _soapheaders=headers)
    check((deleted.successCount, deleted.warningCount, deleted.errorCount) == (2, 0, 0), "deleteAssets: 2 deleted")
    check(deleted.errorDetailArray is None and deleted.warningDetailArray is None, "no detail arrays")

    remaining = {a.assetHandle for a in search()}
    check(not remaining & set(chosen_handles), "deleted assets are no longer live")
    trashed = {a.assetHandle: a for a in search(trashState="InTrash")}
    check(set(chosen_handles) <= set(trashed), "deleted assets are InTrash")
    check(all(trashed[h].folder == a.folder for h, a in zip(chosen_handles, chosen)), "trashed assets keep their folder")

    unknown = "a|987654321"
    restored = service.restoreAssetsFromTrash(
        companyHandle=company, assetHandleArray={"items": chosen_handles + [unknown]}, _soapheaders=headers
    )
    check((restored.successCount, restored.warningCount, restored.errorCount) == (2, 0, 1), "restoreAssetsFromTrash: 2 restored, 1 error")
    errors = restored.errorDetailArray["items"]
    check(errors[0].assetHandle == unknown and errors[0].code == 30001, f"the unknown handle is error 30001 ({errors[0].reason})")
    again = {a.assetHandle: a for a in search()}
    check(set(chosen_handles) <= set(again), "restored assets are live again")
    check(all(again[h].folder == a.folder for h, a in zip(chosen_handles, chosen)), "restored into their folders")

    try:
        service.getCompanyInfo(companyHandle="c|987654321", _soapheaders=headers)
        check(False, "an unknown company is refused")
    except Fault as fault:
        detail = fault.detail[0] if fault.detail is not None else None
        code = detail.find("{http://www.scene7.com/IpsApi/xsd}code").text if detail is not None else None
        check(code == "20000", f"an unknown company is authorizationFault 20000 ({fault.message})")

    print("all Scene7 zeep checks passed")


if __name__ == "__main__":
    main()
