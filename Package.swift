// swift-tools-version:6.1
import PackageDescription

// The folder layout is the architecture diagram: see docs/ARCHITECTURE.md.
let package = Package(
    name: "Stampwatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "stampwatch", targets: ["stampwatch"]),
        .executable(name: "stampwatch-hub", targets: ["stampwatch-hub"]),
        .executable(name: "tuf-conformance-client", targets: ["tuf-conformance-client"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // System libraries, each behind a small C shim for macro-only APIs.
        .systemLibrary(
            name: "CNcursesw", pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),

        // Pure binary encodings: CBOR (RFC 8949) and Base45 (RFC 9285).
        .target(name: "Encoding"),
        // A strict RFC 8259 JSON parser with located errors, and its writers (plain, pretty, canonical).
        .target(name: "StrictJSON"),
        // OpenSSL 3 EVP wrappers: signatures, AEAD, hashes, random.
        .target(name: "StampCrypto", dependencies: ["COpenSSL"]),
        // The TS1 stamp-code format, keyring and verdict engine.
        .target(name: "StampCodes", dependencies: ["Encoding", "StrictJSON", "StampCrypto"]),

        // A small libcurl HTTP client: timeouts, stall abort, size limits, resumable downloads, TLS pinning.
        .target(name: "HTTP", dependencies: ["CCurl"]),

        // TUF 1.0 client: metadata, the client workflow (spec section 5), file and HTTP transports, atomic metadata store.
        .target(name: "TUFClient", dependencies: ["StrictJSON", "StampCrypto", "HTTP"]),

        // EPCIS 2.0 / CBV 2.0 capture: parse, validate, CBV event hash, tobacco provenance mapping.
        .target(name: "EPCIS", dependencies: ["StrictJSON", "StampCrypto"]),

        // TUF 1.0 repository publisher (the hub's side of the signed offline cache): keys, signing, rotation, crash-safe writes.
        .target(name: "TUFRepository", dependencies: ["StrictJSON", "StampCrypto"]),

        // The SQLite field store: signed-cache content, trusted state, outbox.
        .target(name: "FieldStore", dependencies: [
            "StampCodes", "StrictJSON", "StampCrypto",
            .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        // Child process for FieldStore's kill -9, full-disk and cross-process tests, and its bench.
        .executableTarget(name: "fieldstore-crash-helper", dependencies: ["FieldStore"]),

        // A small TUI toolkit over ncursesw: cell buffer and diff, widgets, themes, key map, Elm-style runtime.
        .target(name: "TerminalUI", dependencies: ["CNcursesw"]),
        // Tries the toolkit by hand and backs the tmux smoke test; `tui-demo --bench` prints rendering costs.
        .executableTarget(name: "tui-demo", dependencies: ["TerminalUI"]),

        // The console's screens on TerminalUI: scan, verdict, session list, status bar, help.
        // Provenance chains, FCTC items (a)-(j) with their sources, and the verdict rules that need the cache.
        .target(name: "Provenance", dependencies: ["FieldStore", "EPCIS", "StampCodes", "StrictJSON"]),
        .target(name: "Console", dependencies: ["TerminalUI", "StampCodes", "FieldStore", "StampCrypto", "Provenance"]),

        // Hub master data + captured EPCIS events + clone flags -> the cache content of one region and window (pure core).
        .target(name: "CacheAssembly", dependencies: ["FieldStore", "EPCIS", "StrictJSON", "StampCodes"]),

        // What a device and the hub both speak: RFC 9421 request signatures, signed receipts, gzip bodies.
        .target(name: "DeviceAuth", dependencies: ["StrictJSON", "StampCrypto", "CZlib"]),

        // The central server: HTTP API (Hummingbird), GRDB store, signed requests and receipts, exactly-once uploads,
        // EPCIS capture, TUF file serving, clone detection.
        .target(name: "Hub", dependencies: [
            "DeviceAuth", "StrictJSON", "StampCrypto", "StampCodes", "EPCIS", "CZlib", "CacheAssembly", "FieldStore",
            .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTLS", package: "hummingbird"),
        ]),

        // The demo world: a deterministic Mozambique with DEMO keys, EPCIS 2.0 documents, a cache snapshot and planted cases.
        .target(name: "DemoWorld", dependencies: ["StampCodes", "StampCrypto", "StrictJSON", "Encoding", "EPCIS", "FieldStore", "CacheAssembly", "Hub"]),

        // The console's side of reconciliation: batch planning, backoff, receipt checks, the sync engine over an
        // UploadTransport (libcurl, every request signed with the device key), device identity and enrolment.
        .target(name: "Sync", dependencies: ["DeviceAuth", "FieldStore", "HTTP", "StampCrypto", "StrictJSON"]),

        // What both executables share: sysexits, XDG directories, careful file I/O.
        .target(name: "CLISupport"),

        .executableTarget(
            name: "stampwatch",
            dependencies: [
                "StampCodes", "Encoding", "StampCrypto", "StrictJSON", "CLISupport", "FieldStore", "TUFClient", "HTTP", "Console", "TerminalUI", "CNcursesw", "CCurl", "Provenance", "Sync",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "stampwatch-hub",
            dependencies: [
                "StampCodes", "Encoding", "StampCrypto", "StrictJSON", "CLISupport", "EPCIS", "TUFRepository", "FieldStore", "Hub", "DemoWorld", "CacheAssembly",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // `make bench` (scripts/bench-provenance.sh): provenance lookup latency over a field store.
        .executableTarget(name: "provenance-bench", dependencies: ["FieldStore", "Provenance", .product(name: "GRDB", package: "GRDB.swift")]),

        // The TUF conformance suite's client under test (run through scripts/tuf-conformance-client).
        .executableTarget(name: "tuf-conformance-client", dependencies: ["TUFClient", "HTTP"]),

        .testTarget(name: "EncodingTests", dependencies: ["Encoding"]),
        .testTarget(name: "StrictJSONTests", dependencies: ["StrictJSON"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP"]),
        .testTarget(name: "EPCISTests", dependencies: ["EPCIS", "StrictJSON"]),
        .testTarget(name: "HubTests", dependencies: [
            "Hub", "StrictJSON", "StampCrypto", "StampCodes", "EPCIS", "stampwatch-hub",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "CacheAssemblyTests", dependencies: [
            "CacheAssembly", "Hub", "FieldStore", "EPCIS", "StrictJSON", "StampCodes", "stampwatch-hub",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "SyncTests", dependencies: [
            "Sync", "DeviceAuth", "Hub", "FieldStore", "StampCrypto", "StrictJSON", "HTTP", "TerminalUI", "stampwatch", "stampwatch-hub",
            "fieldstore-crash-helper", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "DemoWorldTests", dependencies: [
            "DemoWorld", "StampCodes", "StampCrypto", "StrictJSON", "EPCIS", "FieldStore",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "tui-demo"]),
        .testTarget(name: "ConsoleTests", dependencies: ["Console", "stampwatch", "TerminalUI", "StampCodes", "StampCrypto", "Encoding", "FieldStore", "Provenance", "DemoWorld"],
                    exclude: ["Snapshots"]),
        .testTarget(name: "TUFRepositoryTests", dependencies: ["TUFRepository", "TUFClient", "StrictJSON", "StampCrypto"]),
        .testTarget(name: "FieldStoreTests", dependencies: [
            "FieldStore", "StampCodes", "StrictJSON", "StampCrypto", "fieldstore-crash-helper",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "TUFClientTests", dependencies: ["TUFClient", "StrictJSON", "StampCrypto", "HTTP"]),
        .testTarget(name: "StampCryptoTests", dependencies: ["StampCrypto"]),
        .testTarget(name: "StampCodesTests", dependencies: ["StampCodes", "Encoding", "StampCrypto", "StrictJSON"]),
        // Runs the built executables (and the independent Python implementation) as subprocesses.
        .testTarget(name: "ProvenanceTests", dependencies: [
            "Provenance", "FieldStore", "EPCIS", "StampCodes", "StrictJSON", "DemoWorld", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "StampwatchCLITests", dependencies: ["stampwatch", "stampwatch-hub", "tuf-conformance-client"]),
    ],
    swiftLanguageModes: [.v6]
)
