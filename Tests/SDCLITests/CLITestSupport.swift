import CSQLite
import Foundation
import XCTest

/// The package's root folder, found from this file's path.
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The folder that holds the built products (the `sdsim` executable next to the test bundle).
var productsDirectory: URL {
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent()
    }
    return Bundle.main.bundleURL
}

/// What a command printed and how it ended.
struct CommandOutput {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the built `sdsim` with `arguments` in `directory` and waits for it.
func sdsim(_ arguments: [String], in directory: URL = repoRoot) throws -> CommandOutput {
    try runProcess(productsDirectory.appendingPathComponent("sdsim"), arguments, in: directory)
}

/// Runs `executable` with `arguments` in `directory`, waits for it, and returns what it printed.
func runProcess(_ executable: URL, _ arguments: [String], in directory: URL = repoRoot) throws -> CommandOutput {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes before waiting, so a large report cannot fill a pipe and block the child.
    final class Box: @unchecked Sendable { var data = Data() }
    let errBox = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return CommandOutput(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errBox.data, as: UTF8.self))
}

/// A fresh temporary folder for one test.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sdsim-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Every scenario shipped in `scenarios/`, sorted by name.
func shippedScenarios() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: repoRoot.appendingPathComponent("scenarios").path)
        .filter { $0.hasSuffix(".yaml") }.sorted().map { "scenarios/" + $0 }
}

/// Reads single numbers out of a results database, for tests that check what a run stored.
final class SQLiteCounter {
    private var handle: OpaquePointer?

    init(path: String) throws {
        guard sqlite3_open(path, &handle) == SQLITE_OK else {
            sqlite3_close(handle)
            throw CocoaError(.fileReadUnknown)
        }
    }

    deinit { sqlite3_close(handle) }

    /// The first column of the first row of `sql`, or −1 when there is none.
    func query(_ sql: String) -> Int {
        var stmt: OpaquePointer?
        sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        defer { sqlite3_finalize(stmt) }
        return sqlite3_step(stmt) == SQLITE_ROW ? Int(sqlite3_column_int64(stmt, 0)) : -1
    }

    /// The first column of the first row of `sql` as text, or nil when there is none.
    func text(_ sql: String) -> String? {
        var stmt: OpaquePointer?
        sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        defer { sqlite3_finalize(stmt) }
        guard sqlite3_step(stmt) == SQLITE_ROW, let p = sqlite3_column_text(stmt, 0) else { return nil }
        return String(cString: p)
    }
}
