import Foundation
import XCTest

/// sdsim's Redis policies against a real Redis: `tools/validate/redis/validate.py --quick` starts
/// its own redis-server on a loopback port, replays two cache-aside traces in real time
/// (allkeys-random and allkeys-lru at 10k requests/s, about 40 s in all) and fails when sdsim's
/// hit ratio differs from Redis's by more than one point. Skipped when redis-server or python3 is
/// not installed (`tools/install-deps.sh` installs redis-server when run as root).
final class RedisValidationTests: XCTestCase {
    func onPath(_ name: String) -> String? {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return dirs.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func testSdsimAgreesWithRealRedisWithinOnePoint() throws {
        guard onPath("redis-server") != nil else {
            throw XCTSkip("redis-server is not installed: the real-Redis check is skipped (tools/install-deps.sh installs it as root)")
        }
        guard let python = onPath("python3") else { throw XCTSkip("python3 is not installed: the real-Redis check is skipped") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [repoRoot.appendingPathComponent("tools/validate/redis/validate.py").path, "--quick",
                             "--sdsim", productsDirectory.appendingPathComponent("sdsim").path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        print(text)
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("every case within 0.010"), text)
    }
}
