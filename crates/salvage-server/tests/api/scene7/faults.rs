//! Every fault kind: authentication (HTTP 500 unless asked otherwise), authorization and
//! parameters, hostile XML refused unexpanded, and role refusals that change nothing.

use super::*;

#[tokio::test]
async fn authentication_faults_are_http_500_unless_asked_otherwise() {
    let s = start().await;
    let (_, c) = company(&s, "Acme").await;
    let body =
        format!("<getCompanyInfoParam xmlns=\"{V2008}\"><companyHandle>{c}</companyHandle></getCompanyInfoParam>");
    let r = soap(&s, &Auth::None, &body).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    r.fault("authenticationFault", 10000);
    let env = read_envelope(&r.bytes).unwrap();
    assert_eq!(text(&env.body, "faultcode"), "soap:Client");
    assert_eq!(text(&env.body, "faultstring"), "AuthenticationException");

    for auth in [
        Auth::Header("admin".into(), "wrong".into()),
        Auth::Basic("admin".into(), "wrong".into()),
        Auth::Header("nobody".into(), "x".into()),
    ] {
        let r = soap(&s, &auth, &body).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
        r.fault("authenticationFault", 10001);
    }
    // Flash clients ask for faults with status 200.
    let auth = Auth::Raw(format!(
        "<authHeader xmlns=\"{UNVERSIONED}\"><faultHttpStatusCode>200</faultHttpStatusCode><user>admin</user><password>wrong</password></authHeader>"
    ));
    let r = soap(&s, &auth, &body).await;
    assert_eq!(r.status, StatusCode::OK);
    r.fault("authenticationFault", 10001);
    // SOAP 1.2 faults carry the same detail.
    let r = post_raw(
        &s,
        "application/soap+xml",
        &Auth::None,
        envelope(SOAP12, &Auth::None, &body),
    )
    .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    r.fault("authenticationFault", 10000);
}

#[tokio::test]
async fn authorization_and_parameter_faults() {
    let s = start().await;
    let (tenant, c) = company(&s, "Acme").await;
    let (_, other) = company(&s, "Other").await;
    let ann = Auth::user(&member(&s, tenant, "ann", Role::IpsUser).await);
    // Another company's handle is exactly an unknown one.
    for handle in [other.as_str(), "c|999999", "garbage"] {
        let r = call(
            &s,
            &ann,
            V2008,
            "searchAssets",
            &format!("<companyHandle>{handle}</companyHandle>"),
        )
        .await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
        r.fault("authorizationFault", 20000);
    }
    let r = call(&s, &ann, V2008, "addCompany", "<companyName>Mine</companyName>").await;
    let d = r.fault("authorizationFault", 20003);
    assert_eq!(
        text(&d, "reason"),
        "User does not have permission to access operation 'addCompany'"
    );
    let env = read_envelope(&r.bytes).unwrap();
    assert_eq!(text(&env.body, "faultstring"), "AuthorizationException");

    let r = call(
        &s,
        &ann,
        V2008,
        "searchAssets",
        "<includeSubfolders>true</includeSubfolders>",
    )
    .await;
    assert!(text(&r.fault("ipsApiFault", 30002), "reason").contains("companyHandle"));
    let env = read_envelope(&r.bytes).unwrap();
    assert_eq!(text(&env.body, "faultcode"), "soap:Server");
    assert_eq!(text(&env.body, "faultstring"), "ipsApiFault");
    for bad in [
        "<trashState>InEmptiedTrash</trashState>",
        "<includeSubfolders>maybe</includeSubfolders>",
        "<recordsPerPage>ten</recordsPerPage>",
        "<folder>f|Other/x/</folder>",
        "<keywordArray><items>x</items></keywordArray>",
    ] {
        let r = call(
            &s,
            &ann,
            V2008,
            "searchAssets",
            &format!("<companyHandle>{c}</companyHandle>{bad}"),
        )
        .await;
        r.fault("ipsApiFault", 30001);
    }
    let r = call(
        &s,
        &ann,
        V2008,
        "getFolderTree",
        &format!("<companyHandle>{c}</companyHandle>"),
    )
    .await;
    r.fault("ipsApiFault", 30002);
    // An operation this server does not offer.
    let r = call(
        &s,
        &ann,
        V2008,
        "submitJob",
        &format!("<companyHandle>{c}</companyHandle>"),
    )
    .await;
    r.fault("ipsApiFault", 30000);
    // accessUserHandle: only an administrator may act as someone else.
    let bob = member(&s, tenant, "bob", Role::IpsUser).await;
    let bob_info = call(&s, &Auth::user(&bob), V2008, "getUserInfo", "").await;
    let bob_handle = text(
        bob_info.ret("getUserInfo", V2008).child("userInfo").unwrap(),
        "userHandle",
    )
    .to_owned();
    let body = format!("<companyHandle>{c}</companyHandle><accessUserHandle>{bob_handle}</accessUserHandle>");
    call(&s, &ann, V2008, "searchAssets", &body)
        .await
        .fault("authorizationFault", 20004);
    call(&s, &Auth::admin(), V2008, "searchAssets", &body)
        .await
        .ret("searchAssets", V2008);
}

#[tokio::test]
async fn hostile_xml_is_refused_without_being_expanded() {
    let s = start_with(salvage_server::Limits {
        max_body_bytes: 64 * 1024,
        ..Default::default()
    })
    .await;
    let (_, c) = company(&s, "Acme").await;
    let auth = Auth::admin();
    let laughs = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;\">]>{}",
        envelope(SOAP11, &auth, &format!("<getCompanyInfoParam xmlns=\"{V2008}\"><companyHandle>&lol2;</companyHandle></getCompanyInfoParam>"))
    );
    let external = format!(
        "<!DOCTYPE x SYSTEM \"file:///etc/passwd\">{}",
        envelope(
            SOAP11,
            &auth,
            &format!("<getCompanyInfoParam xmlns=\"{V2008}\"><companyHandle>{c}</companyHandle></getCompanyInfoParam>")
        )
    );
    let deep = envelope(
        SOAP11,
        &auth,
        &format!(
            "<getCompanyInfoParam xmlns=\"{V2008}\">{}{}</getCompanyInfoParam>",
            "<a>".repeat(200),
            "</a>".repeat(200)
        ),
    );
    let huge = envelope(
        SOAP11,
        &auth,
        &format!(
            "<getCompanyInfoParam xmlns=\"{V2008}\"><companyName>{}</companyName></getCompanyInfoParam>",
            "x".repeat(100 * 1024)
        ),
    );
    let undefined = envelope(
        SOAP11,
        &auth,
        &format!("<getCompanyInfoParam xmlns=\"{V2008}\"><companyHandle>&xxe;</companyHandle></getCompanyInfoParam>"),
    );
    let foreign = envelope(
        SOAP11,
        &auth,
        &format!("<getCompanyInfoParam xmlns=\"urn:other\"><companyHandle>{c}</companyHandle></getCompanyInfoParam>"),
    );
    for body in [
        laughs,
        external,
        deep,
        huge,
        undefined,
        foreign,
        "not xml".to_owned(),
        "<a/>".to_owned(),
    ] {
        let r = post_raw(&s, "text/xml", &auth, body).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
        let d = r.fault("ipsApiFault", 30003);
        assert!(!text(&d, "reason").contains("lollol"));
    }
    // Nothing of it was taken for a company.
    let r = call(&s, &auth, V2008, "getCompanyMembership", "").await;
    let ret = r.ret("getCompanyMembership", V2008);
    assert_eq!(
        ret.child("membershipArray").unwrap().children.len(),
        2,
        "default and Acme"
    );
}

#[tokio::test]
async fn role_refusals_change_nothing() {
    let s = start().await;
    let (tenant, c) = company(&s, "Acme").await;
    let hat = asset(&s, tenant, "/Images", "hat.jpg").await;
    for role in [Role::ImagePortalUser, Role::TrialSiteUser, Role::WebServiceUser] {
        let viewer = Auth::user(&member(&s, tenant, &format!("{role:?}").to_lowercase(), role).await);
        for (op, fields) in [
            ("deleteAsset", format!("<companyHandle>{c}</companyHandle><assetHandle>{hat}</assetHandle>")),
            ("deleteAssets", format!("<companyHandle>{c}</companyHandle>{}", handles(&[&hat]))),
            ("deleteFolder", format!("<companyHandle>{c}</companyHandle><folderHandle>f|Acme/Images/</folderHandle>")),
            ("createFolder", format!("<companyHandle>{c}</companyHandle><folderPath>Images/New</folderPath>")),
            ("renameAsset", format!("<companyHandle>{c}</companyHandle><assetHandle>{hat}</assetHandle><newName>cap</newName><validateName>true</validateName>")),
        ] {
            call(&s, &viewer, V2008, op, &fields).await.fault("authorizationFault", 20003);
        }
        // Reading is allowed.
        let r = call(
            &s,
            &viewer,
            V2008,
            "getAssets",
            &format!("<companyHandle>{c}</companyHandle>{}", handles(&[&hat])),
        )
        .await;
        let ret = r.ret("getAssets", V2008);
        let a = ret.child("assetArray").unwrap().child("items").unwrap();
        assert_eq!(text(a, "name"), "hat");
        assert_eq!(text(a, "trashState"), "NotInTrash");
    }
    let r = call(
        &s,
        &Auth::admin(),
        V2008,
        "getFolders",
        &format!("<companyHandle>{c}</companyHandle>"),
    )
    .await;
    let paths: Vec<String> = r
        .ret("getFolders", V2008)
        .child("folderArray")
        .unwrap()
        .children
        .iter()
        .map(|f| text(f, "path").to_owned())
        .collect();
    assert_eq!(paths, ["Acme/", "Acme/Images/"]);
}
