import Foundation
import GRDB

/// Builds a delta file (`CacheFileFormat`) from two snapshot files: the change from `base` to `target`.
///
/// Both snapshots are validated first (so a delta is never built from a damaged or altered input);
/// then, per table, the rows of the target that are not identical in the base become upserts
/// (`SELECT * FROM target EXCEPT SELECT * FROM base`), and the keys of the base that the target no
/// longer has become deletes. The delta records the base's and the target's per-table digests, so the
/// store can prove it starts from the right content and ends at exactly the target.
public enum DeltaBuilder {
    /// Writes the delta at `output` (replacing any file there) and returns its meta. The delta carries
    /// the target's version, region, source, publication and expiry.
    public static func build(base: String, target: String, output: String) throws(FieldStoreError) -> CacheFileMeta {
        let baseMeta: CacheFileMeta, targetMeta: CacheFileMeta
        do {
            baseMeta = try CacheFileValidator.validate(path: base, expecting: .snapshot)
            targetMeta = try CacheFileValidator.validate(path: target, expecting: .snapshot)
        } catch let refusal as CacheFileValidator.Refusal {
            throw FieldStoreError.updateRefused(file: "delta input", reason: refusal.description)
        } catch {
            throw FieldStoreError.wrap(error)
        }
        guard baseMeta.region == targetMeta.region else {
            throw FieldStoreError.invalidArgument("base is for region \(baseMeta.region), target for \(targetMeta.region)")
        }
        guard targetMeta.version > baseMeta.version else {
            throw FieldStoreError.invalidArgument("target version \(targetMeta.version) is not above base version \(baseMeta.version)")
        }
        do {
            let queue = try CacheFileWriter.create(at: output)
            var meta = CacheFileMeta(kind: .delta, version: targetMeta.version, baseVersion: baseMeta.version,
                                     region: targetMeta.region, source: targetMeta.source,
                                     publishedAt: targetMeta.publishedAt, expires: targetMeta.expires)
            meta.baseDigests = baseMeta.tableDigests.mapValues(\.sha256)
            meta.resultDigests = targetMeta.tableDigests.mapValues(\.sha256)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "ATTACH DATABASE ? AS base", arguments: [base])
                try db.execute(sql: "ATTACH DATABASE ? AS target", arguments: [target])
                try db.inTransaction {
                    for t in ContentSchema.tables {
                        try db.execute(sql: t.createSQL())
                        for sql in t.indexSQL() { try db.execute(sql: sql) }
                        try db.execute(sql: t.createDeletedSQL())
                        if baseMeta.tableDigests[t.name] == targetMeta.tableDigests[t.name] { continue }
                        let pk = t.primaryKey.joined(separator: ", ")
                        try db.execute(sql: "INSERT INTO main.\(t.name) SELECT * FROM target.\(t.name) EXCEPT SELECT * FROM base.\(t.name)")
                        try db.execute(sql: """
                            INSERT INTO main.\(t.deletedTableName) SELECT \(pk) FROM base.\(t.name) EXCEPT SELECT \(pk) FROM target.\(t.name)
                            """)
                    }
                    return .commit
                }
                try db.execute(sql: "DETACH DATABASE base")
                try db.execute(sql: "DETACH DATABASE target")
                for t in ContentSchema.tables {
                    meta.tableDigests[t.name] = try TableDigest.compute(db, schema: "main", table: t)
                    meta.deletedDigests[t.name] = try TableDigest.computeDeleted(db, schema: "main", table: t)
                }
            }
            try CacheFileWriter.finish(queue, meta: meta)
            return meta
        } catch {
            try? FileManager.default.removeItem(atPath: output)
            throw FieldStoreError.wrap(error, path: output)
        }
    }
}
