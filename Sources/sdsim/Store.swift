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

    /// Refuses a --db that cannot name a database file (exit status 2, as for any bad option).
    func validate() throws {
        if !noDb { try ResultsDatabase.checkPath(db) }
    }

    /// Opens the database before anything is simulated, so that one that cannot be written fails
    /// at once (exit status 1), not after the run; nil with --no-db.
    func open() throws -> ResultsStore? {
        noDb ? nil : try ResultsDatabase.open(db)
    }

    /// Records into `database` (opened by `open()`), printing any failure and exiting with status
    /// 1. Does nothing with --no-db.
    func record(in database: ResultsStore?, _ body: (ResultsStore) throws -> Void) throws {
        guard let database else { return }
        do {
            try body(database)
        } catch {
            Console.standardError.error("\(error)")
            throw ExitCode.failure
        }
    }
}

/// The results database named by `--db`: checked before anything runs.
enum ResultsDatabase {
    /// Refuses a path that cannot name a database file (exit status 2, as for any bad option).
    static func checkPath(_ path: String) throws {
        guard !path.isEmpty else {
            throw ValidationError("--db needs a file name, such as results/sdsim.db (use --no-db to store nothing)")
        }
        let shown = path.escapingControlCharacters()
        guard !path.hasSuffix("/") else {
            throw ValidationError("--db '\(shown)' ends with '/', so it names a directory; give a file such as '\(shown)sdsim.db'")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ValidationError("--db '\(shown)' is a directory; give a file such as '\(shown)/sdsim.db'")
        }
    }

    /// Opens (creating its folder and the file if needed) the database for writing, or reports
    /// why not and exits with status 1, before any simulation.
    static func open(_ path: String) throws -> ResultsStore {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        do {
            return try ResultsStore(path: path)
        } catch {
            Console.standardError.error("\(error)")
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
