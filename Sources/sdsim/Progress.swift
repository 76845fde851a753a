import SDEngine
import Foundation

/// A one-line progress display on stderr, shown only on a terminal and at most a few times a
/// second. It reads the wall clock, which is why it lives in the CLI: nothing it does reaches results.
final class Progress: @unchecked Sendable {
    let enabled: Bool
    private let label: String
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(label: String, enabled: Bool) { self.label = label.escapingControlCharacters(); self.enabled = enabled }

    /// Shows the fraction done (0...1).
    func update(_ fraction: Double) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.2 else { return }
        lastDraw = now
        drawn = true
        let percent = Int((min(max(fraction, 0), 1) * 100).rounded(.down))
        Console.standardError.writeIfPossible("\r\u{1B}[Ksdsim: \(label): \(percent)% simulated")
    }

    /// Clears the line.
    func finish() throws(WriteFailure) {
        guard enabled, drawn else { return }
        try Console.standardError.write("\r\u{1B}[K")
    }
}
