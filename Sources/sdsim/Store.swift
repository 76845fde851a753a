import ArgumentParser
import Foundation
import SDModels
import SDReports

/// The sdsim version recorded with every run.
let sdsimVersion = "0.12.0"

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
                           commit: sourceCommit(), commandLine: CommandLine.arguments.map(shellQuoted).joined(separator: " "),
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

/// The git commit of the source checkout the running executable was built in (found by walking
/// up from the executable to a `.git`, read without running git); nil when there is none.
func sourceCommit() -> String? {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
    for _ in 0..<8 {
        let git = dir.appendingPathComponent(".git")
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: git.path, isDirectory: &isDir) {
            var gitDir = git
            if !isDir.boolValue {   // a worktree: ".git" is a file "gitdir: PATH"
                guard let text = try? String(contentsOf: git, encoding: .utf8), text.hasPrefix("gitdir:") else { return nil }
                let path = text.dropFirst(7).trimmingCharacters(in: .whitespacesAndNewlines)
                gitDir = URL(fileURLWithPath: path, relativeTo: dir)
            }
            return headCommit(gitDir)
        }
        let parent = dir.deletingLastPathComponent()
        if parent.path == dir.path { break }
        dir = parent
    }
    return nil
}

/// The commit HEAD points to in the git directory `gitDir` (following one symbolic ref, loose or packed).
private func headCommit(_ gitDir: URL) -> String? {
    guard let head = try? String(contentsOf: gitDir.appendingPathComponent("HEAD"), encoding: .utf8)
        .trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
    guard head.hasPrefix("ref: ") else { return head.count == 40 ? head : nil }
    let ref = String(head.dropFirst(5))
    // A worktree's refs live in the common directory.
    var common = gitDir
    if let c = try? String(contentsOf: gitDir.appendingPathComponent("commondir"), encoding: .utf8) {
        common = URL(fileURLWithPath: c.trimmingCharacters(in: .whitespacesAndNewlines), relativeTo: gitDir)
    }
    for base in [gitDir, common] {
        if let loose = try? String(contentsOf: base.appendingPathComponent(ref), encoding: .utf8) {
            return loose.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
    if let packed = try? String(contentsOf: common.appendingPathComponent("packed-refs"), encoding: .utf8) {
        for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) { return String(line.prefix(40)) }
    }
    return nil
}
