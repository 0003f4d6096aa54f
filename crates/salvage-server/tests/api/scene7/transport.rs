//! How calls travel: every way to authenticate over SOAP 1.1 and 1.2, gzipped replies, and the
//! WSDL.

use super::*;

#[tokio::test]
async fn every_way_to_authenticate_in_soap_11_and_12() {
    let s = start().await;
    let (tenant, c) = company(&s, "Acme").await;
    let email = member(&s, tenant, "ann", Role::IpsUser).await;
    let ways = [
        Auth::Header(email.clone(), PASSWORD.into()),
        Auth::VersionedHeader(email.clone(), PASSWORD.into()),
        Auth::Basic(email.clone(), PASSWORD.into()),
        Auth::Legacy(email.clone(), PASSWORD.into()),
        // The username works as well as the e-mail.
        Auth::Header("ann".into(), PASSWORD.into()),
    ];
    let body = format!("<ns1:getCompanyInfoParam xmlns:ns1=\"{V2008}\"><ns1:companyHandle>{c}</ns1:companyHandle></ns1:getCompanyInfoParam>");
    for auth in &ways {
        for (soap_ns, content_type) in [
            (SOAP11, "text/xml; charset=UTF-8"),
            (SOAP12, "application/soap+xml; charset=utf-8"),
        ] {
            let r = post_raw(&s, content_type, auth, envelope(soap_ns, auth, &body)).await;
            let ret = r.ret("getCompanyInfo", V2008);
            let info = ret.child("companyInfo").unwrap();
            assert_eq!(text(info, "companyHandle"), c);
            assert_eq!(text(info, "rootPath"), "Acme/");
            let env = read_envelope(&r.bytes).unwrap();
            assert_eq!(
                r.headers["content-type"],
                if soap_ns == SOAP11 {
                    "text/xml; charset=utf-8"
                } else {
                    "application/soap+xml; charset=utf-8"
                }
            );
            assert_eq!(
                env.version,
                if soap_ns == SOAP11 {
                    salvage_server::soap::SoapVersion::V11
                } else {
                    salvage_server::soap::SoapVersion::V12
                }
            );
        }
    }
    // The reply is in whatever namespace the request used, and getUserInfo names the caller.
    for ns in [
        UNVERSIONED,
        "http://www.scene7.com/IpsApi/xsd/2022-11-01-beta",
        "http://www.scene7.com/IpsApi/xsd/2023-01-15",
    ] {
        let r = call(&s, &ways[0], ns, "getUserInfo", "").await;
        let info = r.ret("getUserInfo", ns).child("userInfo").unwrap().clone();
        assert_eq!(text(&info, "email"), email);
        assert!(text(&info, "userHandle").starts_with("u|"));
        assert_eq!(text(&info, "isIpsAdmin"), "false");
        assert_eq!(text(&info, "defaultRole"), "IpsUser");
    }
    let r = call(&s, &ways[0], V2008, "getCompanyMembership", "").await;
    let ret = r.ret("getCompanyMembership", V2008);
    let items: Vec<&Element> = ret.child("membershipArray").unwrap().children_named("items").collect();
    assert_eq!(items.len(), 1);
    assert_eq!(text(items[0].child("company").unwrap(), "name"), "Acme");
    assert_eq!(text(items[0], "role"), "IpsUser");

    for (email_given, password, status) in [
        (email.as_str(), PASSWORD, "ValidLogin"),
        (email.as_str(), "wrong", "InvalidLogin"),
        ("nobody@x", PASSWORD, "InvalidLogin"),
    ] {
        let r = call(
            &s,
            &ways[0],
            V2008,
            "checkLogin",
            &format!("<companyHandle>{c}</companyHandle><email>{email_given}</email><password>{password}</password>"),
        )
        .await;
        assert_eq!(text(&r.ret("checkLogin", V2008), "status"), status);
    }
}

#[tokio::test]
async fn replies_are_gzipped_when_the_client_accepts_it() {
    let s = start().await;
    let (_, c) = company(&s, "Acme").await;
    let info =
        format!("<getCompanyInfoParam xmlns=\"{V2008}\"><companyHandle>{c}</companyHandle></getCompanyInfoParam>");
    // A company handle that names no company: a fault, which follows the same rules.
    let unknown =
        format!("<getCompanyInfoParam xmlns=\"{V2008}\"><companyHandle>c|999999</companyHandle></getCompanyInfoParam>");
    let send = |auth: Auth, body: &str| {
        let s = &s;
        let body = envelope(SOAP11, &auth, body);
        async move {
            let res = s
                .http
                .post(format!("{}/scene7/services/IpsApiService", s.base))
                .header("content-type", "text/xml")
                .header("accept-encoding", "gzip")
                .body(body)
                .send()
                .await
                .unwrap();
            let encoding = res
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap().to_owned());
            (res.status(), encoding, res.bytes().await.unwrap().to_vec())
        }
    };
    let gunzip = |zipped: &[u8]| {
        let mut xml = Vec::new();
        flate2::read::GzDecoder::new(zipped).read_to_end(&mut xml).unwrap();
        read_envelope(&xml).unwrap()
    };
    let with_gzip = |value: &str| {
        Auth::Raw(format!(
            "<authHeader xmlns=\"{UNVERSIONED}\"><user>admin</user><password>{ADMIN_PASSWORD}</password><gzipResponse>{value}</gzipResponse></authHeader>"
        ))
    };
    for auth in [Auth::admin(), with_gzip("true")] {
        let (status, encoding, bytes) = send(auth.clone(), &info).await;
        assert_eq!((status, encoding.as_deref()), (StatusCode::OK, Some("gzip")));
        assert_eq!(gunzip(&bytes).body.name, "getCompanyInfoReturn");
        let (status, encoding, bytes) = send(auth, &unknown).await;
        assert_eq!(
            (status, encoding.as_deref()),
            (StatusCode::INTERNAL_SERVER_ERROR, Some("gzip"))
        );
        assert_eq!(gunzip(&bytes).body.name, "Fault");
    }

    // `gzipResponse` false: plain XML with no Content-Encoding at all (not even `identity`,
    // which PHP's SoapClient refuses), for a reply and for a fault alike.
    for value in ["false", "0"] {
        let (status, encoding, bytes) = send(with_gzip(value), &info).await;
        assert_eq!((status, encoding), (StatusCode::OK, None));
        assert_eq!(read_envelope(&bytes).unwrap().body.name, "getCompanyInfoReturn");
        let (status, encoding, bytes) = send(with_gzip(value), &unknown).await;
        assert_eq!((status, encoding), (StatusCode::INTERNAL_SERVER_ERROR, None));
        assert_eq!(read_envelope(&bytes).unwrap().body.name, "Fault");
    }
    let wrong = Auth::Raw(format!(
        "<authHeader xmlns=\"{UNVERSIONED}\"><user>admin</user><password>wrong</password><gzipResponse>false</gzipResponse></authHeader>"
    ));
    let (status, encoding, bytes) = send(wrong, &info).await;
    assert_eq!((status, encoding), (StatusCode::INTERNAL_SERVER_ERROR, None));
    assert_eq!(read_envelope(&bytes).unwrap().body.name, "Fault");
    // Without Accept-Encoding, plain XML.
    let r = soap(&s, &Auth::admin(), &info).await;
    assert!(r.headers.get("content-encoding").is_none());
}

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
