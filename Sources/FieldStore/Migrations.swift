import GRDB

/// The live store's schema, as named `DatabaseMigrator` steps: one step per schema version.
///
/// Rule: a step that has shipped is never edited. A later schema change is a new step
/// (`v2-…`) that alters what v1 made; GRDB records applied step names in `grdb_migrations`, so a
/// device that skipped versions runs the missing steps in order.
///
/// The store holds three groups of tables, separated so cache content can never overwrite the others:
/// - content (`ContentSchema.tables`): replaced only by snapshot/delta apply;
/// - cache bookkeeping (`cache_meta`, `cache_table_digest`) and trusted state (`trusted_role`,
///   `trusted_time`, `update_attempt`): written only by `FieldStore`'s own methods, never from a file;
///   triggers refuse a trusted version or the signed time going backwards;
/// - the outbox (`device_sequence`, `inspection`, `outbox`, `receipt`): the device's own records.
enum StoreMigrations {
    static let names = ["v1-field-store"]

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-field-store") { db in
            for t in ContentSchema.tables {
                try db.execute(sql: t.createSQL())
                for sql in t.indexSQL() { try db.execute(sql: sql) }
            }
            try db.execute(sql: """
                CREATE TABLE cache_meta (
                  id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
                  version INTEGER NOT NULL CHECK (version > 0),
                  kind TEXT NOT NULL CHECK (kind IN ('snapshot', 'delta')),
                  region TEXT NOT NULL, source TEXT NOT NULL,
                  published_at INTEGER NOT NULL, expires INTEGER NOT NULL,
                  applied_at INTEGER NOT NULL, content_sha256 TEXT NOT NULL);
                CREATE TABLE cache_table_digest (
                  table_name TEXT NOT NULL PRIMARY KEY, rows INTEGER NOT NULL, sha256 TEXT NOT NULL) WITHOUT ROWID;

                CREATE TABLE trusted_role (
                  role TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL, expires INTEGER NOT NULL,
                  updated_at INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TRIGGER trusted_role_no_rollback BEFORE UPDATE OF version ON trusted_role
                  WHEN NEW.version < OLD.version
                  BEGIN SELECT RAISE(ABORT, 'trusted metadata version cannot go backwards'); END;
                CREATE TABLE trusted_time (
                  id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), max_signed_time INTEGER NOT NULL);
                CREATE TRIGGER trusted_time_monotonic BEFORE UPDATE ON trusted_time
                  WHEN NEW.max_signed_time < OLD.max_signed_time
                  BEGIN SELECT RAISE(ABORT, 'the newest signed time seen cannot go backwards'); END;
                CREATE TABLE update_attempt (
                  id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
                  started_at INTEGER NOT NULL, finished_at INTEGER, target TEXT NOT NULL,
                  state TEXT NOT NULL CHECK (state IN ('in-progress', 'succeeded', 'failed', 'interrupted')),
                  error TEXT, last_success_at INTEGER);

                CREATE TABLE device_sequence (
                  device_id TEXT NOT NULL PRIMARY KEY, last_seq INTEGER NOT NULL CHECK (last_seq >= 0)) WITHOUT ROWID;
                CREATE TRIGGER device_sequence_monotonic BEFORE UPDATE ON device_sequence
                  WHEN NEW.last_seq <> OLD.last_seq + 1
                  BEGIN SELECT RAISE(ABORT, 'device sequence numbers advance by exactly one'); END;
                CREATE TABLE inspection (
                  record_uuid TEXT NOT NULL PRIMARY KEY, device_id TEXT NOT NULL, seq INTEGER NOT NULL,
                  code TEXT NOT NULL, verdict TEXT NOT NULL, reasons_json TEXT NOT NULL,
                  checklist_json TEXT NOT NULL, notes TEXT NOT NULL, place TEXT NOT NULL, officer_id TEXT NOT NULL,
                  cache_version INTEGER, cache_age_seconds INTEGER, created_at INTEGER NOT NULL,
                  UNIQUE (device_id, seq));
                CREATE TABLE outbox (
                  record_uuid TEXT NOT NULL PRIMARY KEY REFERENCES inspection (record_uuid) DEFERRABLE INITIALLY DEFERRED,
                  device_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, payload BLOB NOT NULL,
                  state TEXT NOT NULL CHECK (state IN ('pending', 'in-flight', 'acknowledged', 'refused')),
                  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, last_error TEXT,
                  receipt_id TEXT, UNIQUE (device_id, seq));
                CREATE INDEX outbox_state ON outbox (state, next_attempt_at, seq);
                CREATE TRIGGER inspection_immutable BEFORE UPDATE ON inspection
                  BEGIN SELECT RAISE(ABORT, 'a recorded inspection cannot be changed'); END;
                CREATE TRIGGER outbox_payload_immutable BEFORE UPDATE OF record_uuid, device_id, seq, kind, payload ON outbox
                  BEGIN SELECT RAISE(ABORT, 'an outbox payload cannot be changed'); END;
                CREATE TRIGGER inspection_delete_needs_receipt BEFORE DELETE ON inspection
                  WHEN (SELECT state FROM outbox WHERE record_uuid = OLD.record_uuid) IS NOT 'acknowledged'
                  BEGIN SELECT RAISE(ABORT, 'a record can only be deleted once a receipt acknowledged it'); END;
                CREATE TRIGGER outbox_delete_needs_receipt BEFORE DELETE ON outbox
                  WHEN OLD.state <> 'acknowledged'
                  BEGIN SELECT RAISE(ABORT, 'a record can only be deleted once a receipt acknowledged it'); END;
                CREATE TABLE receipt (
                  receipt_id TEXT NOT NULL PRIMARY KEY, received_at INTEGER NOT NULL, raw BLOB NOT NULL);
                """)
        }
        return m
    }
}
