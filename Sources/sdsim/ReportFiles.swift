import ArgumentParser
import Foundation
import SDModels
import SDReports

/// `--html PATH` and `--dot PATH`: the report as one HTML file, the topology as Graphviz DOT.
struct ReportFileOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Also write the report as one self-contained HTML file (charts, topology; opens offline).",
                               valueName: "path"))
    var html: String?

    @Option(help: ArgumentHelp("Also write the topology as Graphviz DOT (render it with: dot -Tsvg FILE).", valueName: "path"))
    var dot: String?

    var any: Bool { html != nil || dot != nil }

    /// Writes the files asked for. The HTML embeds Graphviz's rendering of `dotText` when `dot` is
    /// installed, else sdsim's own diagram.
    func write(dotText: String, html makeHTML: (String?) -> String) throws {
        try write(dotText: dotText, renders: [dotText]) { makeHTML($0[0]) }
    }

    /// Writes the files asked for; the HTML gets Graphviz's rendering of each of `renders` (nil
    /// each where `dot` is not installed), such as each compared system's own topology.
    func write(dotText: String, renders: [String], html makeHTML: ([String?]) -> String) throws {
        if let dot { try writeReportFile(dotText, to: dot, mark: Topology.dotMark) }
        if let html { try writeHTMLReport(makeHTML(renders.map(renderWithGraphviz)), to: html) }
    }

    func validate() throws {
        if let html, let dot, html == dot { throw ValidationError("--html and --dot name the same file '\(html)'") }
    }
}

/// Writes an HTML report to `path`, replacing only an HTML report sdsim wrote before.
func writeHTMLReport(_ text: String, to path: String) throws {
    try writeReportFile(text, to: path, mark: "name=\"generator\" content=\"\(HTMLReport.generator)\"")
}

/// Writes `text` to `path`, replacing only a file sdsim wrote before (one that holds `mark`):
/// anything else the user owns is left alone, with an error. A failed write is an error (exit 1).
func writeReportFile(_ text: String, to path: String, mark: String) throws {
    if FileManager.default.fileExists(atPath: path) {
        let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        guard existing.prefix(4096).contains(mark) else {
            Console.standardError.error("'\(path)' exists and was not written by sdsim; not overwriting it")
            throw ExitCode.failure
        }
    }
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        Console.standardError.error("cannot write '\(path)': \(error.localizedDescription)")
        throw ExitCode.failure
    }
}

/// Graphviz's SVG of `dotText`, ready to inline; nil when `dot` is not installed or fails.
func renderWithGraphviz(_ dotText: String) -> String? {
    let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/dot" }
    guard let exe = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = ["-Tsvg"]
    let input = Pipe(), output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    p.standardError = FileHandle.nullDevice
    do { try p.run() } catch { return nil }
    final class Box: @unchecked Sendable { var data = Data() }
    let box = Box()
    let done = DispatchSemaphore(value: 0)
    DispatchQueue.global().async { box.data = output.fileHandleForReading.readDataToEndOfFile(); done.signal() }
    input.fileHandleForWriting.write(Data(dotText.utf8))
    try? input.fileHandleForWriting.close()
    done.wait()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { return nil }
    return HTMLReport.inlineSVG(String(decoding: box.data, as: UTF8.self))
}
