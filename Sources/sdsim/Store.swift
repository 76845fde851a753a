import ArgumentParser
import Foundation
import SDModels
import SDReports

/// Options of the commands that record into the results database (`run`, `spof`).
struct StoreOptions: ParsableArguments {
    @Option(help: "SQLite results database to append to (created if missing).")
    var db: String = "results/sdsim.db"

    @Flag(help: "Do not write the results database.")
    var noDb = false

    @Option(help: "A label stored with the record, to find it again (sdsim results list --label L).")
    var label: String?

    /// Metadata for a record made by `command`: the wall-clock time (never printed in a report),
    /// the label, sdsim's version and commit, and the command line.
    func metadata(command: String) -> RunMetadata {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return RunMetadata(createdAt: formatter.string(from: Date()), label: label, version: sdsimVersion,
                           commit: buildCommit, commandLine: CommandLine.arguments.map(shellQuoted).joined(separator: " "),
                           command: command)
    }

    /// Opens the store (creating its folder), runs `body` and closes it; any error is printed and
    /// exits with status 1. Does nothing with --no-db.
    func write(_ body: (ResultsStore) throws -> Void) throws {
        guard !noDb else { return }
        let directory = (db as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        do {
            let store = try ResultsStore(path: db)
            defer { store.close() }
            try body(store)
        } catch {
            Console.standardError.write("sdsim: error: \(error)\n")
            throw ExitCode.failure
        }
    }
}

/// `s` quoted for a POSIX shell when it holds anything but safe characters.
func shellQuoted(_ s: String) -> String {
    let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
    if !s.isEmpty && s.allSatisfy({ safe.contains($0) }) { return s }
    return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
