//! Databases as earlier versions of salvage left them, for the tests of the data migrations a
//! store runs when it opens such a database. A test writes rows in their old form with raw SQL
//! (`bulk::Sql`), forgets here that the migration ran, and opens the store again.

use super::bulk::Sql;

/// Forgets that the names of the database were brought under rule 13 (NFC, full case folding,
/// no invisible format characters), so the store does it again when it next opens it.
pub async fn forget_name_migration(sql: &mut Sql) {
    sql.exec(&format!(
        "DELETE FROM data_migrations WHERE name = '{}'",
        crate::stored_names::MIGRATION
    ))
    .await;
}
