import GRDB

/// The store's schema, one migration per version. Migrations only ever append: a store written
/// by an older Sluice opens and upgrades in place, and a newer one is refused (`QuarantineStore`).
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // One row per message and recipient set; the raw bytes exactly as received.
            try db.execute(sql: """
                CREATE TABLE message (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  fingerprint TEXT NOT NULL UNIQUE,
                  sha256 TEXT NOT NULL,
                  raw BLOB NOT NULL,
                  size INTEGER NOT NULL,
                  sender TEXT,
                  envelope TEXT NOT NULL,
                  trustedAuthservIDs TEXT NOT NULL,
                  subject TEXT,
                  messageID TEXT,
                  dateHeader TEXT,
                  source TEXT,
                  receivedAt INTEGER NOT NULL
                );
                -- One row per message and recipient: the decision and where the copy stands.
                CREATE TABLE quarantine (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  messageId INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
                  recipient TEXT NOT NULL,
                  decision TEXT NOT NULL,
                  policyHash TEXT NOT NULL,
                  verdict TEXT,
                  category TEXT NOT NULL,
                  reason TEXT NOT NULL,
                  policyType TEXT NOT NULL,
                  quarantinePolicy TEXT NOT NULL,
                  permissions TEXT NOT NULL,
                  notify INTEGER NOT NULL,
                  cadenceHours INTEGER NOT NULL,
                  digestSender TEXT NOT NULL,
                  expiresAt INTEGER NOT NULL,
                  status TEXT NOT NULL,
                  statusAt INTEGER,
                  statusBy TEXT,
                  notifiedIn INTEGER REFERENCES digest(id),
                  UNIQUE (messageId, recipient)
                );
                CREATE INDEX quarantine_recipient ON quarantine(recipient);
                CREATE INDEX quarantine_pending_digest ON quarantine(notify, notifiedIn);
                -- A copy is released at most once: the unique key is the guard two processes meet at.
                CREATE TABLE release (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  quarantineId INTEGER NOT NULL UNIQUE REFERENCES quarantine(id) ON DELETE CASCADE,
                  releasedAt INTEGER NOT NULL,
                  releasedBy TEXT NOT NULL,
                  destination TEXT NOT NULL
                );
                CREATE TABLE digest (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  recipient TEXT NOT NULL,
                  sentAt INTEGER NOT NULL,
                  path TEXT NOT NULL,
                  messageCount INTEGER NOT NULL
                );
                CREATE TABLE audit (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  at INTEGER NOT NULL,
                  actor TEXT NOT NULL,
                  action TEXT NOT NULL,
                  messageId INTEGER,
                  recipient TEXT,
                  detail TEXT NOT NULL
                );
                CREATE TABLE submission (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  messageId INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
                  reporter TEXT NOT NULL,
                  reason TEXT NOT NULL,
                  origin TEXT NOT NULL,
                  submittedAt INTEGER NOT NULL,
                  status TEXT NOT NULL,
                  conclusion TEXT,
                  resolvedBy TEXT,
                  resolvedAt INTEGER,
                  entryAdded TEXT
                );
                -- Last use of each allow/block entry, keyed by file and entry: what
                -- `N days after last use` expiry counts from.
                CREATE TABLE entryUsage (
                  entryId TEXT PRIMARY KEY,
                  file TEXT NOT NULL,
                  action TEXT NOT NULL,
                  kind TEXT NOT NULL,
                  key TEXT NOT NULL,
                  hits INTEGER NOT NULL,
                  firstUsed INTEGER NOT NULL,
                  lastUsed INTEGER NOT NULL
                );
                """)
        }
        return migrator
    }
}
