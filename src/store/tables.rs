//! Every key space of the store, in one place (DESIGN.md "Storage"). Each engine keeps them
//! its own way (`redb_engine/tables.rs`).

/// Key spaces holding JSON values, keyed by a string.
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
    /// OAuth 2 authorization code → record (short-lived).
    AuthCode,
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
    /// another server's host (with its port, if any) → what its metadata said (federation).
    RemoteHost,
    /// `<host>/<local identity>` → the client credentials we registered there (federation).
    RemoteClient,
    /// local nickname (or `\nserver`) → its ActivityPub key pair (store/ap.rs).
    ActorKey,
    /// another server's ActivityPub actor id → its inboxes and public key (federation).
    ApActor,
    /// a key id (`keyId` of HTTP Signatures) → the actor id that owns it.
    ApKey,
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
    Table::AuthCode,
    Table::Relation,
    Table::UploadPath,
    Table::MailCode,
    Table::DeletedNick,
    Table::Session,
    Table::Job,
    Table::JobDue,
    Table::RemoteHost,
    Table::RemoteClient,
    Table::ActorKey,
    Table::ApActor,
    Table::ApKey,
];

impl Table {
    /// How many key-value tables there are (`Table as usize` indexes them).
    pub const COUNT: usize = 24;

    pub fn all() -> &'static [Table] {
        ALL
    }

    /// The key space's name (also in backups).
    pub fn name(self) -> &'static str {
        match self {
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
            Table::AuthCode => "oauth2_code",
            Table::Relation => "relation",
            Table::UploadPath => "upload_path",
            Table::MailCode => "mail_code",
            Table::DeletedNick => "deleted_nick",
            Table::Session => "session",
            Table::Job => "job",
            Table::JobDue => "job_due",
            Table::RemoteHost => "remote_host",
            Table::RemoteClient => "remote_client",
            Table::ActorKey => "actor_key",
            Table::ApActor => "ap_actor",
            Table::ApKey => "ap_key",
        }
    }
}
