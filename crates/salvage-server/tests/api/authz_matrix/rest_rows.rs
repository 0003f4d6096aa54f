//! The table's REST rows.

use super::*;

pub(super) fn rest_rows() -> Vec<Row> {
    use Api::Rest;
    vec![
        listing(
            Rest,
            "GET /trash",
            |_| rest(Method::GET, "/api/v1/trash", None),
            &[R_ANON, R_BOGUS, ("*", "ok")],
        ),
        row(
            Rest,
            "GET /trash/{id}",
            |t| rest(Method::GET, format!("/api/v1/trash/{}", t.record), None),
            &[(ADMINS, "ok"), ("owner", "ok"), R_ANON, R_BOGUS, ("*", R_NOT_FOUND)],
        ),
        row(
            Rest,
            "GET /trash/{id}/contents",
            |t| rest(Method::GET, format!("/api/v1/trash/{}/contents", t.record), None),
            &[(ADMINS, "ok"), ("owner", "ok"), R_ANON, R_BOGUS, ("*", R_NOT_FOUND)],
        ),
        row(
            Rest,
            "GET /nodes/{folder}/trash",
            |t| rest(Method::GET, format!("/api/v1/nodes/{}/trash", t.folder), None),
            &[("foreign", R_NOT_FOUND), R_ANON, R_BOGUS, ("*", "ok")],
        ),
        row(
            Rest,
            "POST /trash/preflight",
            |t| {
                rest(
                    Method::POST,
                    "/api/v1/trash/preflight",
                    Some(json!({ "items": [t.record] })),
                )
            },
            &[
                (ADMINS, "ok"),
                ("owner", "ok"),
                R_ANON,
                R_BOGUS,
                // Someone else's deletion is not theirs to see: as an unknown item.
                ("*", "item failed not-in-trash"),
            ],
        ),
        row(
            Rest,
            "POST /trash/restore",
            |t| {
                rest(
                    Method::POST,
                    "/api/v1/trash/restore",
                    Some(json!({ "items": [t.record] })),
                )
            },
            &[
                (ADMINS, "ok"),
                ("owner", "ok"),
                R_ANON,
                R_BOGUS,
                // Someone else's deletion is not theirs to see: as an unknown item.
                ("*", "item failed not-in-trash"),
            ],
        ),
        row(
            Rest,
            "POST /trash/restore (a node inside)",
            |t| {
                rest(
                    Method::POST,
                    "/api/v1/trash/restore",
                    Some(json!({ "nodes": [t.gone] })),
                )
            },
            &[
                (ADMINS, "ok"),
                ("owner", "ok"),
                R_ANON,
                R_BOGUS,
                // Someone else's deletion is not theirs to see: as an unknown item.
                ("*", "item failed not-in-trash"),
            ],
        ),
        row(
            Rest,
            "POST /trash/restore-by-filter",
            |t| {
                rest(
                    Method::POST,
                    "/api/v1/trash/restore-by-filter",
                    Some(json!({ "filter": { "name": t.gone_name } })),
                )
            },
            &[(ADMINS, "ok"), ("owner", "ok"), R_ANON, R_BOGUS, ("*", "ok (none)")],
        ),
        row(
            Rest,
            "POST /trash/purge",
            |t| {
                rest(
                    Method::POST,
                    "/api/v1/trash/purge",
                    Some(json!({ "items": [t.record] })),
                )
            },
            &[
                (ADMINS, "ok"),
                ("foreign", "item failed not-in-trash"),
                R_ANON,
                R_BOGUS,
                ("*", R_DENIED),
            ],
        ),
        listing(
            Rest,
            "POST /trash/empty",
            |_| rest(Method::POST, "/api/v1/trash/empty", Some(json!({}))),
            &[(NO_TRASH, R_DENIED), R_ANON, R_BOGUS, ("*", "ok")],
        ),
        listing(
            Rest,
            "POST /trash/empty (everyone's)",
            |_| rest(Method::POST, "/api/v1/trash/empty", Some(json!({ "everyone": true }))),
            &[(ADMINS, "ok"), ("foreign", "ok"), R_ANON, R_BOGUS, ("*", R_DENIED)],
        ),
        listing(
            Rest,
            "GET /settings/trash",
            |_| rest(Method::GET, "/api/v1/settings/trash", None),
            &[R_ANON, R_BOGUS, ("*", "ok")],
        ),
        listing(
            Rest,
            "PUT /settings/trash",
            |_| {
                rest(
                    Method::PUT,
                    "/api/v1/settings/trash",
                    Some(
                        json!({ "user_bin_days": 3, "system_bin_days": 4, "names_reserved": true, "restore_policy": "any-trash-role" }),
                    ),
                )
            },
            &[(ADMINS, "ok"), ("foreign", "ok"), R_ANON, R_BOGUS, ("*", R_DENIED)],
        ),
        row(
            Rest,
            "DELETE /nodes/{doc}",
            |t| rest(Method::DELETE, format!("/api/v1/nodes/{}", t.doc), None),
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("foreign", R_NOT_FOUND),
                R_ANON,
                R_BOGUS,
                ("*", R_DENIED),
            ],
        ),
        row(
            Rest,
            "DELETE /nodes/{folder}",
            |t| rest(Method::DELETE, format!("/api/v1/nodes/{}", t.sub), None),
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("foreign", R_NOT_FOUND),
                R_ANON,
                R_BOGUS,
                ("*", R_DENIED),
            ],
        ),
        row(
            Rest,
            "PATCH /nodes/{doc} (rename)",
            |t| {
                rest(
                    Method::PATCH,
                    format!("/api/v1/nodes/{}", t.doc),
                    Some(json!({ "name": format!("r-{}", t.doc_name) })),
                )
            },
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                (NO_TRASH, R_DENIED),
                ("foreign", R_NOT_FOUND),
                R_ANON,
                R_BOGUS,
                ("*", R_DENIED),
            ],
        ),
        row(
            Rest,
            "PATCH /nodes/{doc} (move)",
            |t| {
                rest(
                    Method::PATCH,
                    format!("/api/v1/nodes/{}", t.doc),
                    Some(json!({ "parent_id": t.sub })),
                )
            },
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                (NO_TRASH, R_DENIED),
                ("foreign", R_NOT_FOUND),
                R_ANON,
                R_BOGUS,
                ("*", R_DENIED),
            ],
        ),
        row(
            Rest,
            "POST /nodes/{folder}/folders",
            |t| {
                rest(
                    Method::POST,
                    format!("/api/v1/nodes/{}/folders", t.sub),
                    Some(json!({ "name": "new" })),
                )
            },
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                (NO_TRASH, R_DENIED),
                ("foreign", R_NOT_FOUND),
                R_ANON,
                R_BOGUS,
                ("*", R_DENIED),
            ],
        ),
        row(
            Rest,
            "GET /nodes/{doc}",
            |t| rest(Method::GET, format!("/api/v1/nodes/{}", t.doc), None),
            &[("foreign", R_NOT_FOUND), R_ANON, R_BOGUS, ("*", "ok")],
        ),
        row(
            Rest,
            "GET /nodes/{deleted doc}",
            |t| rest(Method::GET, format!("/api/v1/nodes/{}", t.gone), None),
            &[R_ANON, R_BOGUS, ("*", R_NOT_FOUND)],
        ),
        row(
            Rest,
            "GET /documents/{doc}/content",
            |t| rest(Method::GET, format!("/api/v1/documents/{}/content", t.doc), None),
            &[("foreign", R_NOT_FOUND), R_ANON, R_BOGUS, ("*", "ok")],
        ),
        row(
            Rest,
            "GET /documents/{deleted doc}/content",
            |t| rest(Method::GET, format!("/api/v1/documents/{}/content", t.gone), None),
            &[R_ANON, R_BOGUS, ("*", R_NOT_FOUND)],
        ),
        row(
            Rest,
            "GET /nodes/{folder}/acl",
            |t| rest(Method::GET, format!("/api/v1/nodes/{}/acl", t.sub), None),
            &[("foreign", R_NOT_FOUND), R_ANON, R_BOGUS, ("*", "ok")],
        ),
        row(
            Rest,
            "PUT /nodes/{folder}/acl",
            |t| {
                rest(
                    Method::PUT,
                    format!("/api/v1/nodes/{}/acl", t.sub),
                    Some(json!({ "inherited": false, "entries": [] })),
                )
            },
            &[
                (ADMINS, "ok"),
                ("foreign", R_NOT_FOUND),
                R_ANON,
                R_BOGUS,
                ("*", R_DENIED),
            ],
        ),
        listing(
            Rest,
            "POST /libraries",
            |t| {
                rest(
                    Method::POST,
                    "/api/v1/libraries",
                    Some(json!({ "name": format!("L{}", t.doc) })),
                )
            },
            &[(ADMINS, "ok"), ("foreign", "ok"), R_ANON, R_BOGUS, ("*", R_DENIED)],
        ),
    ]
}
