//! The Scene7 WSDL: every operation in every IPS namespace, at the address the client used.

use crate::scene7::{UNVERSIONED, V2008};
use crate::support::*;
use reqwest::StatusCode;
use salvage_server::soap::read_document;

#[tokio::test]
async fn the_wsdl_describes_every_operation_at_this_server() {
    let s = start().await;
    let ops = [
        "checkLogin",
        "getUserInfo",
        "getCompanyInfo",
        "getCompanyMembership",
        "addCompany",
        "getFolders",
        "getFolderTree",
        "createFolder",
        "deleteFolder",
        "moveFolder",
        "renameFolder",
        "searchAssets",
        "getAssets",
        "getAssetsByName",
        "getAssetCounts",
        "deleteAsset",
        "deleteAssets",
        "moveAsset",
        "moveAssets",
        "renameAsset",
        "restoreAssetsFromTrash",
        "emptyAssetsFromTrash",
        "uploadPost",
    ];
    for (file, ns) in [
        ("IpsApi.wsdl", UNVERSIONED),
        ("IpsApi-2008-01-15.wsdl", V2008),
        (
            "IpsApi-2022-11-01-beta.wsdl",
            "http://www.scene7.com/IpsApi/xsd/2022-11-01-beta",
        ),
    ] {
        let res = s
            .http
            .get(format!("{}/scene7/webservice/{file}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "text/xml; charset=utf-8");
        let doc = read_document(&res.bytes().await.unwrap()).unwrap();
        let schemas = &doc.child("types").unwrap().children;
        let schema = schemas
            .iter()
            .find(|s| s.attribute("targetNamespace") == Some(ns))
            .unwrap();
        let elements: Vec<&str> = schema
            .children_named("element")
            .filter_map(|e| e.attribute("name"))
            .collect();
        for op in ops {
            assert!(elements.contains(&format!("{op}Param").as_str()), "{file}: {op}Param");
            assert!(elements.contains(&format!("{op}Return").as_str()), "{file}: {op}Return");
        }
        let port_type = doc.child("portType").unwrap();
        assert_eq!(port_type.children.len(), ops.len());
        let address = doc
            .child("service")
            .unwrap()
            .child("port")
            .unwrap()
            .child("address")
            .unwrap();
        assert_eq!(
            address.attribute("location"),
            Some(format!("{}/scene7/services/IpsApiService", s.base).as_str())
        );
    }
    let res = s
        .http
        .get(format!(
            "{}/scene7/webservice/IpsApi-2008-01-15.wsdl?serviceUrl=http://localhost:8081",
            s.base
        ))
        .send()
        .await
        .unwrap();
    let doc = read_document(&res.bytes().await.unwrap()).unwrap();
    let address = doc
        .child("service")
        .unwrap()
        .child("port")
        .unwrap()
        .child("address")
        .unwrap();
    assert_eq!(
        address.attribute("location"),
        Some("http://localhost:8081/scene7/services/IpsApiService")
    );
    let res = s
        .http
        .get(format!("{}/scene7/webservice/IpsApi-latest.wsdl", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
