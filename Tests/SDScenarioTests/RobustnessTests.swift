import Foundation
import SDEngine
import SDAnalysis
import SDConfig
import SDModels
@testable import SDScenario
import XCTest

/// Issue 9: what `validate` accepts, `run` and `spof` survive; loading stays fast and names stay
/// plain whatever the file holds. Each test is named after the finding it guards.
final class RobustnessTests: XCTestCase {
    private func load(_ text: String) throws(ScenarioErrors) -> ModelConfig { try ScenarioLoader.load(text: text, file: "t.yaml") }

    private func messages(_ text: String) -> [String] {
        do { _ = try load(text); return [] } catch { return error.diagnostics.map(\.message) }
    }

    private let base = """
        name: robust
        duration: 10s
        workload:
          - name: w
            arrival: poisson(20/s)
            route: [app]
        components:
          app: {kind: server, workers: 4, service: exponential(5ms)}

        """

    /// Runs `config` and its SPOF audit; neither may trap, and requests still arrive.
    private func survives(_ config: ModelConfig, _ what: String) {
        let result = Runner.run(config)
        XCTAssertGreaterThan(result.workloads[0].arrived, 0, what)
        XCTAssertFalse(SpofAudit.run(config).baseline.workloads.isEmpty, what)
    }

    // MARK: Saturating conversions and load-time bounds

    func testSlowFactor1e12IsRefusedAndDoesNotCrashTheModel() throws {
        let text = base + """
            failures:
              - at: 1s
                slow: app
                factor: FACTOR
                for: 5s
            """
        XCTAssertEqual(messages(text.replacingOccurrences(of: "FACTOR", with: "1e12")),
                       ["'factor' must be between 0.000001 and 1000000 (found 1e12)"])
        var config = try load(text.replacingOccurrences(of: "FACTOR", with: "1000000"))
        XCTAssertNoThrow(try load(text.replacingOccurrences(of: "FACTOR", with: "0.000001")))
        // Past the bound, the model saturates instead of trapping.
        config.failures = [FailureEvent(at: SimDuration(seconds: 1), action: .slow("app", factor: 1e300),
                                        duration: SimDuration(seconds: 5))]
        survives(config, "slow factor 1e300")
    }

    func testMachineSpeed1eMinus12IsRefusedAndDoesNotCrashTheModel() throws {
        let text = """
            name: robust
            duration: 10s
            workload:
              - name: w
                arrival: poisson(20/s)
                route: [app]
            components:
              app: {kind: server, workers: 4, service: exponential(5ms), machine: box}
            machines:
              box: {cores: 2, speed: SPEED}
            """
        XCTAssertEqual(messages(text.replacingOccurrences(of: "SPEED", with: "1e-12")),
                       ["'speed' must be between 0.000001 and 1000000 (found 1e-12)"])
        var config = try load(text.replacingOccurrences(of: "SPEED", with: "0.5"))
        config.machines[0].speed = 1e-300
        survives(config, "machine speed 1e-300")
        config.machines[0].speed = 1e300
        survives(config, "machine speed 1e300")
    }

    func testFeedPerFollower36500dIsRefusedAndDoesNotCrashTheModel() throws {
        let text = """
            name: feed
            duration: 60s
            population:
              users: 2k
              daily-active: 100%
              daily-cycle: 1
              activities:
                - type: post
                  per-user: 500/day
                  route: [feed]
              followers: power-law(2.3)
              celebrities: 2
              celebrity-followers: [1k, 2k]
            components:
              feed: {kind: feed-service, workers: 8, service: exponential(1ms), per-follower: PER}
            """
        XCTAssertEqual(messages(text.replacingOccurrences(of: "PER", with: "36500d")),
                       ["'per-follower' must be at most 1s (found '36500d')"])
        var config = try load(text.replacingOccurrences(of: "PER", with: "50us"))
        guard case .feedService(var feed) = config.components[0].kind else { return XCTFail("not a feed service") }
        feed.perFollower = 36_500 * 86_400 * 1e6
        config.components[0].kind = .feedService(feed)
        survives(config, "per-follower of a century")
    }

    /// The one conversion: negative, NaN and huge values never trap, and sums saturate.
    func testSecondsToNanosecondsSaturates() {
        XCTAssertEqual(SimDuration(seconds: -1).ns, 0)
        XCTAssertEqual(SimDuration(seconds: .nan).ns, 0)
        XCTAssertEqual(SimDuration(seconds: .infinity), .longest)
        XCTAssertEqual(SimDuration(seconds: 1e300), .longest)
        XCTAssertEqual(SimDuration(seconds: 1.5).ns, 1_500_000_000)
        XCTAssertEqual(SimDuration(ns: 10).scaled(by: 1e300), .longest)
        XCTAssertEqual((SimDuration.longest + .longest + .longest).ns, .max)
        XCTAssertEqual((SimTime(ns: .max - 5) + .longest), .never)
        XCTAssertEqual(SimDuration(seconds: 36_500 * 86_400).ns, 3_153_600_000_000_000_000, "the longest scenario stays exact")
    }

    // MARK: Loading time

    /// A component without `kind` used to try every kind's reader for a shared key inside every
    /// other's (2^kinds readings): a 100,000-character value took 47 s. Now each kind's reader
    /// runs once. The bound is generous (the fix takes well under a second in release).
    func testNoKindWith100000CharacterValueLoadsInLinearTime() {
        let long = String(repeating: "x", count: 100_000)
        let text = """
            name: slow
            duration: 10s
            workload:
              - name: w
                arrival: poisson(20/s)
                route: [app]
            components:
              app:
                machine: \(long)
                zone: \(long)
                workers: \(long)
                service: \(long)
                queue-limit: \(long)
            """
        let start = Date()
        XCTAssertFalse(messages(text).isEmpty)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10, "loading must not be exponential in the number of kinds")
    }

    // MARK: Control characters

    func testControlCharactersInNamesAreRefused() {
        let text = base.replacingOccurrences(of: "name: robust", with: "name: \"ro\\e[31mbust\"")
            .replacingOccurrences(of: "- name: w", with: "- name: \"w\\nforged row\"")
        let found = messages(text)
        XCTAssertEqual(found, ["'name' must not contain control characters; found U+001B at character 3",
                               "'name' must not contain control characters; found U+000A at character 2"])
    }

    func testDiagnosticsEscapeControlCharacters() {
        let text = base.replacingOccurrences(of: "kind: server,", with: "kind: \"ser\\e]0;pwned\\avar\",")
        do {
            _ = try load(text)
            XCTFail("loaded")
        } catch {
            let rendered = error.rendered()
            XCTAssertFalse(rendered.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, rendered)
            XCTAssertTrue(rendered.contains("\\u{1B}]0;pwned\\u{7}"), rendered)
        }
    }

    func testEscapingKeepsTextAndShowsControls() {
        XCTAssertEqual("plain é 漢".escapingControlCharacters(), "plain é 漢")
        XCTAssertEqual("a\u{1B}[2Jb".escapingControlCharacters(), "a\\u{1B}[2Jb")
        XCTAssertEqual("a\nb\tc".escapingControlCharacters(), "a\\u{A}b\tc")
        XCTAssertEqual("a\nb\r".escapingControlCharacters(keepingNewlines: true), "a\nb\\u{D}")
        XCTAssertEqual("\u{202E}evil\u{9B}".escapingControlCharacters(), "\\u{202E}evil\\u{9B}")
    }
}
