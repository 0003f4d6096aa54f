//! Sorting folder pages and the recycle bin by each column, the order kept while paging.

use super::*;

/// A page as a browser reads it: character references in attributes turned back into text.
fn unescaped(html: &str) -> String {
    html.replace("&#38;", "&")
        .replace("&amp;", "&")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// The address of the page's "Next page" link.
fn next_link(html: &str) -> Option<String> {
    let rest = html.split("rel=\"next\" href=\"").nth(1)?;
    Some(rest.split('"').next()?.to_owned())
}

/// The text after each `before`, up to the next tag, in page order.
fn texts_after(html: &str, before: &str) -> Vec<String> {
    html.split(before)
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap().to_owned())
        .collect()
}

/// How many times `needle` occurs.
fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

#[tokio::test]
async fn folder_pages_sort_by_each_column_and_keep_the_order_while_paging() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "L").await;
    let many = s.folder(&admin, lib, "Many").await;
    let actor = s.repo.actor_by_name("default", "admin").await.unwrap();
    // 105 documents, more than a page, with many sizes shared by several of them.
    let mut docs = Vec::new();
    for i in 0..105usize {
        let name = format!("d{i:03}.txt");
        let content = "x".repeat((i * 7) % 40);
        let (node, _) = s
            .repo
            .upload(&actor, many, &name, &mut content.as_bytes())
            .await
            .unwrap();
        docs.push((node.size, node.id, name));
    }
    // Largest first; among equal sizes the later id first, as the reverse of smallest first.
    let mut largest_first = docs.clone();
    largest_first.sort_by_key(|d| std::cmp::Reverse((d.0, d.1)));
    let largest_first: Vec<String> = largest_first.into_iter().map(|d| d.2).collect();
    let by_name: Vec<String> = docs.iter().map(|d| d.2.clone()).collect();

    let http = browser();
    let cookie = cookie_of(&sign_in(&s, &http, "admin", ADMIN_PASSWORD).await);
    let here = format!("/browse/{many}");
    let names = |html: &str| texts_after(html, "/content\">");

    let (status, html) = get(&s, &http, &format!("{here}?sort=size-desc"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let html = unescaped(&html);
    // Every sortable header is a link to the first page in its order; the sorted one says so
    // with aria-sort and links to the reverse order.
    assert_eq!(count(&html, "aria-sort="), 1, "{html}");
    assert!(
        html.contains(&format!(
            "<th scope=\"col\" aria-sort=\"descending\" class=\"num\"><a href=\"{here}?sort=size\">Size"
        )),
        "{html}"
    );
    for (sort, label) in [("name", "Name"), ("type", "Type"), ("modified-desc", "Modified")] {
        assert!(
            html.contains(&format!("<th scope=\"col\"><a href=\"{here}?sort={sort}\">{label}")),
            "{label}: {html}"
        );
    }
    assert!(html.contains("sorted by size, largest first"), "{html}");
    // Each link says where it leads, for those who cannot see the arrow.
    assert!(
        html.contains("(sort by size, smallest first)</span></a></th>"),
        "{html}"
    );
    assert_eq!(names(&html), largest_first[..100]);

    // The next page goes on in the same order, from where the first one ended.
    let next = next_link(&html).expect("a next page");
    assert!(next.starts_with(&format!("{here}?sort=size-desc&after=")), "{next}");
    let (status, page2) = get(&s, &http, &next, &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let page2 = unescaped(&page2);
    assert_eq!(names(&page2), largest_first[100..]);
    assert!(next_link(&page2).is_none());
    assert!(page2.contains("aria-sort=\"descending\" class=\"num\""), "{page2}");

    // Choosing the sorted column again reverses it.
    let (_, html) = get(&s, &http, &format!("{here}?sort=size"), &cookie).await;
    let html = unescaped(&html);
    assert!(
        html.contains(&format!(
            "<th scope=\"col\" aria-sort=\"ascending\" class=\"num\"><a href=\"{here}?sort=size-desc\">Size"
        )),
        "{html}"
    );
    let mut smallest_first = largest_first.clone();
    smallest_first.reverse();
    assert_eq!(names(&html), smallest_first[..100]);

    // A damaged cursor, or one from another order, starts again at the top with a word why;
    // an unknown order is the default one.
    let cursor = next.split("after=").nth(1).unwrap();
    for bad in [
        format!("{here}?sort=size-desc&after=nonsense"),
        format!("{here}?sort=size-desc&after=size-desc.1"),
        format!("{here}?sort=name&after={cursor}"),
    ] {
        let (status, html) = get(&s, &http, &bad, &cookie).await;
        assert_eq!(status, StatusCode::OK, "{bad}: {html}");
        assert!(html.contains("the first page is shown"), "{bad}: {html}");
        let expected = if bad.contains("sort=name") {
            &by_name[..100]
        } else {
            &largest_first[..100]
        };
        assert_eq!(names(&html), expected, "{bad}");
    }
    let (status, html) = get(&s, &http, &format!("{here}?sort=sideways"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let html = unescaped(&html);
    assert!(
        html.contains(&format!(
            "<th scope=\"col\" aria-sort=\"ascending\"><a href=\"{here}?sort=name-desc\">Name"
        )),
        "{html}"
    );
    assert_eq!(names(&html), by_name[..100]);

    // The libraries sort the same way.
    s.library(&admin, "a first").await;
    let (_, html) = get(&s, &http, "/?sort=name-desc", &cookie).await;
    let html = unescaped(&html);
    assert!(
        html.contains("<th scope=\"col\" aria-sort=\"descending\"><a href=\"/?sort=name\">Name"),
        "{html}"
    );
    assert!(
        html.find(">L</a>").unwrap() < html.find(">a first</a>").unwrap(),
        "{html}"
    );
}

#[tokio::test]
async fn the_recycle_bin_sorts_with_its_filters_and_pages_on_in_that_order() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "L").await;
    let actor = s.repo.actor_by_name("default", "admin").await.unwrap();
    // 55 deleted documents, more than a page, sizes shared; and a deleted folder the type
    // filter leaves out.
    let mut deleted = Vec::new();
    for i in 0..55usize {
        let name = format!("t{i:02}.txt");
        let content = "x".repeat((i * 3) % 20);
        let (node, _) = s
            .repo
            .upload(&actor, lib, &name, &mut content.as_bytes())
            .await
            .unwrap();
        let record = s.repo.delete(&actor, node.id).await.unwrap();
        deleted.push((record.total_size, record.id, name));
    }
    let folder = s.folder(&admin, lib, "big folder").await;
    s.uploaded(&admin, folder, "huge.bin", &[7u8; 4096]).await;
    s.delete(&admin, folder).await;
    let mut largest_first = deleted.clone();
    largest_first.sort_by_key(|d| std::cmp::Reverse((d.0, d.1)));
    let largest_first: Vec<String> = largest_first.into_iter().map(|d| d.2).collect();

    let http = browser();
    let cookie = cookie_of(&sign_in(&s, &http, "admin", ADMIN_PASSWORD).await);
    // The names of the items, in the order shown: the labels of their check boxes.
    let names = |html: &str| -> Vec<String> {
        html.split("<label for=\"item-")
            .skip(1)
            .map(|rest| rest.split("\">").nth(1).unwrap().split('<').next().unwrap().to_owned())
            .collect()
    };

    let (status, html) = get(&s, &http, "/trash?type=document&sort=largest", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let html = unescaped(&html);
    assert_eq!(count(&html, "aria-sort="), 1, "{html}");
    // The header links keep the filters and start from the first page.
    assert!(
        html.contains(
            "<th scope=\"col\" aria-sort=\"descending\" class=\"num\"><a href=\"/trash?type=document&sort=smallest\">Size"
        ),
        "{html}"
    );
    assert!(
        html.contains("<th scope=\"col\"><a href=\"/trash?type=document&sort=name\">Name"),
        "{html}"
    );
    assert!(
        html.contains("<th scope=\"col\"><a href=\"/trash?type=document\">Deleted"),
        "{html}"
    );
    // Filtering again keeps the order.
    assert!(
        html.contains("<input type=\"hidden\" name=\"sort\" value=\"largest\">"),
        "{html}"
    );
    assert!(!html.contains("big folder"), "{html}");
    assert_eq!(names(&html), largest_first[..50]);

    let next = next_link(&html).expect("a next page");
    assert!(
        next.starts_with("/trash?type=document&sort=largest&cursor=largest."),
        "{next}"
    );
    let (status, page2) = get(&s, &http, &next, &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let page2 = unescaped(&page2);
    assert_eq!(names(&page2), largest_first[50..]);
    assert!(next_link(&page2).is_none());

    // Damaged cursors and cursors of another order start again at the top; an unknown order is
    // newest first.
    let (_, by_name) = get(&s, &http, "/trash?sort=name", &cookie).await;
    let name_cursor = next_link(&unescaped(&by_name))
        .unwrap()
        .split("cursor=")
        .nth(1)
        .unwrap()
        .to_owned();
    for bad in [
        "/trash?sort=largest&cursor=largest.x.y".to_owned(),
        "/trash?sort=largest&cursor=%FF%FE".to_owned(),
        format!("/trash?type=document&sort=largest&cursor={name_cursor}"),
    ] {
        let (status, html) = get(&s, &http, &bad, &cookie).await;
        assert_eq!(status, StatusCode::OK, "{bad}: {html}");
        assert!(html.contains("the first page is shown"), "{bad}: {html}");
    }
    let (status, html) = get(&s, &http, "/trash?sort=biggest", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let html = unescaped(&html);
    assert!(
        html.contains("<th scope=\"col\" aria-sort=\"descending\"><a href=\"/trash?sort=oldest\">Deleted"),
        "{html}"
    );
    assert!(html.contains("sorted by deletion, newest first"), "{html}");
}
