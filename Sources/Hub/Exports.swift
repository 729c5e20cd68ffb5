// The wire pieces the hub shares with the console's sync engine (request signatures, receipts, gzip) live in
// `DeviceAuth`, so both sides run one implementation. Re-exported: code that imports Hub sees them as before.
@_exported import DeviceAuth
