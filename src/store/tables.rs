//! Every redb table definition, in one place (DESIGN.md "Storage").
use redb::TableDefinition;

/// Key-value tables holding JSON values, keyed by a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Table {
    /// `schema_version` and other single values.
    Meta,
    /// nickname → user record.
    NickUser,
    /// object id → object (every type, local and remote).
    IdObject,
    /// `<type>/<uuid>` → object id, for `/api/<type>/<uuid>`.
    UuidObject,
    /// activity id → activity.
    IdActivity,
    /// `<uuid>` → activity id, for `/api/activity/<uuid>`.
    UuidActivity,
    /// OAuth consumer key → client.
    ClientKeyClient,
    /// request token → request token record.
    RequestToken,
    /// access token → access token record.
    AccessToken,
    /// `<consumer key>\n<nick>` → access token (one per client and user).
    ClientUserToken,
    /// bearer token (OAuth 2) → record.
    BearerToken,
    /// `<kind>\n<from id>\n<to id>` → when: follow, favorite, share and membership relations.
    Relation,
    /// stored upload path (`<nick>/<y>/<m>/<d>/<name>.<ext>`) → object id.
    UploadPath,
    /// mailed code (e-mail confirmation, password recovery) → its record.
    MailCode,
    /// nickname of a deleted account → when it was deleted; such nicknames stay reserved.
    DeletedNick,
    /// `<nick>\n<session id>` → expiry (seconds): the web sessions that are still open.
    Session,
    /// job number (20 digits) → a background job and its state (store/jobs.rs).
    Job,
    /// `<due, 20 digits>\n<job number>` → nothing: the jobs still to run, soonest first.
    JobDue,
}

const ALL: &[Table] = &[
    Table::Meta,
    Table::NickUser,
    Table::IdObject,
    Table::UuidObject,
    Table::IdActivity,
    Table::UuidActivity,
    Table::ClientKeyClient,
    Table::RequestToken,
    Table::AccessToken,
    Table::ClientUserToken,
    Table::BearerToken,
    Table::Relation,
    Table::UploadPath,
    Table::MailCode,
    Table::DeletedNick,
    Table::Session,
    Table::Job,
    Table::JobDue,
];

impl Table {
    /// How many key-value tables there are (`Table as usize` indexes them).
    pub const COUNT: usize = 18;

    pub fn all() -> &'static [Table] {
        ALL
    }

    pub fn def(self) -> TableDefinition<'static, &'static str, &'static [u8]> {
        TableDefinition::new(match self {
            Table::Meta => "meta",
            Table::NickUser => "nick_user",
            Table::IdObject => "id_object",
            Table::UuidObject => "uuid_object",
            Table::IdActivity => "id_activity",
            Table::UuidActivity => "uuid_activity",
            Table::ClientKeyClient => "client_key_client",
            Table::RequestToken => "request_token",
            Table::AccessToken => "access_token",
            Table::ClientUserToken => "client_user_token",
            Table::BearerToken => "bearer_token",
            Table::Relation => "relation",
            Table::UploadPath => "upload_path",
            Table::MailCode => "mail_code",
            Table::DeletedNick => "deleted_nick",
            Table::Session => "session",
            Table::Job => "job",
            Table::JobDue => "job_due",
        })
    }
}

/// `(stream, sequence)` → item id; newest item = highest sequence.
pub const STREAM_ITEMS: TableDefinition<(&str, u64), &str> = TableDefinition::new("stream_items");
/// `(stream, item id)` → sequence, for removal and for `before`/`since`.
pub const STREAM_INDEX: TableDefinition<(&str, &str), u64> = TableDefinition::new("stream_index");
/// stream → number of items; never computed by iterating.
pub const STREAM_COUNTS: TableDefinition<&str, u64> = TableDefinition::new("stream_counts");
/// named counters (`seq` for stream sequences).
pub const COUNTERS: TableDefinition<&str, u64> = TableDefinition::new("counters");
