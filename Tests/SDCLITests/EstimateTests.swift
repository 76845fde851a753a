import Foundation
import XCTest

/// `sdsim estimate`: the numbers match hand arithmetic, and each shows its arithmetic.
final class EstimateTests: XCTestCase {
    /// 10M users, all active daily, 2 photos a month of 5 MB (a lognormal whose mean is its first
    /// parameter): 10M × 2 × 5 MB = 100 TB a month.
    static let scenario = """
        name: photos
        duration: 60s
        population:
          users: 10M
          daily-active: 100%
          daily-cycle: 1.5
          activities:
            - type: upload
              per-user: 2/month
              size: lognormal(5MB, 1.0)
              route: [app]
            - type: feed-read
              per-user: 30/day
              route: [app]
        components:
          app:
            kind: server
            workers: 8
            service: constant(10ms)
        """

    func write(_ text: String) throws -> String {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("photos.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func line(_ json: [String: Any], _ section: String, _ label: String) throws -> [String: Any] {
        let lines = try XCTUnwrap(json[section] as? [[String: Any]])
        return try XCTUnwrap(lines.first { $0["label"] as? String == label }, "no \(label) in \(section)")
    }

    func testMatchesHandArithmetic() throws {
        let path = try write(Self.scenario)
        let out = try sdsim(["estimate", path, "--format", "json", "--target-utilization", "0.5"])
        XCTAssertEqual(out.status, 0, out.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])

        // Rates: 10M × 100% × 2/month ÷ 30 ÷ 86,400 = 7.716/s; peak × 1.5.
        let upload = try line(json, "traffic", "upload")
        XCTAssertEqual(upload["value"] as! Double, 10e6 * 2 / 30 / 86_400, accuracy: 1e-9)
        XCTAssertEqual(upload["arithmetic"] as? String, "10M users × 100% daily × 2/month ÷ 30 days ÷ 86,400 s = 7.72/s")
        let peak = try line(json, "traffic", "upload at peak")
        XCTAssertEqual(peak["value"] as! Double, 10e6 * 2 / 30 / 86_400 * 1.5, accuracy: 1e-9)
        let reads = try line(json, "traffic", "feed-read")
        XCTAssertEqual(reads["value"] as! Double, 10e6 * 30 / 86_400, accuracy: 1e-9)
        // 30 reads a day against 2 uploads a month: 450 reads per write.
        XCTAssertEqual(try line(json, "traffic", "read-to-write ratio")["value"] as! Double, 450, accuracy: 1e-9)

        // Storage: 100 TB a month, 365/30 of that a year.
        let month = try line(json, "storage", "upload per month")
        XCTAssertEqual(month["value"] as! Double, 100e12, accuracy: 1)
        XCTAssertEqual(month["arithmetic"] as? String, "10M users × 100% daily × 2/month × 5MB = 100TB/month")
        XCTAssertEqual(try line(json, "storage", "upload per year")["value"] as! Double, 100e12 * 365 / 30, accuracy: 1e3)

        // Bandwidth in: 7.716/s × 5 MB = 38.6 MB/s.
        XCTAssertEqual(try line(json, "bandwidth", "in")["value"] as! Double, 10e6 * 2 / 30 / 86_400 * 5e6, accuracy: 1e-3)

        // The app tier at peak: (7.716 + 3,472.2)/s × 1.5 × 10 ms ÷ 0.5 = 104.4 workers; ÷ 8 → 14 machines.
        let tiers = try XCTUnwrap(json["tiers"] as? [[String: Any]])
        let app = try XCTUnwrap(tiers.first { $0["name"] as? String == "app" })
        let lambda = (10e6 * 2 / 30 + 10e6 * 30) / 86_400 * 1.5
        XCTAssertEqual(app["peak_rate"] as! Double, lambda, accuracy: 1e-6)
        XCTAssertEqual(app["workers_needed"] as! Double, lambda * 0.01 / 0.5, accuracy: 1e-6)
        XCTAssertEqual(app["machines"] as? Int, Int((lambda * 0.01 / 0.5 / 8).rounded(.up)))
    }

    func testTextShowsTheArithmetic() throws {
        let path = try write(Self.scenario)
        let out = try sdsim(["estimate", path])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.contains("= 100TB/month"), out.stdout)
        XCTAssertTrue(out.stdout.contains("÷ 0.7 ="), out.stdout)
        XCTAssertTrue(out.stdout.contains("read-to-write ratio"), out.stdout)
    }

    func testInstagram() throws {
        let out = try sdsim(["estimate", "scenarios/instagram.yaml"])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.contains("10M users × 50% daily × 4/month ÷ 30 days ÷ 86,400 s = 7.72/s"), out.stdout)
        XCTAssertTrue(out.stdout.contains("photos per month             7.72/s × 5MB × 2,592,000 s = 100TB/month"), out.stdout)
        XCTAssertTrue(out.stdout.contains("thumbs per month             7.72/s × 220KB × 2,592,000 s = 4.4TB/month"), out.stdout)
        XCTAssertTrue(out.stdout.contains("feed-service"), out.stdout)
        // Photo views through the CDN: Che's approximation over 10⁸ photos (grouped keys) and the
        // feed cache's two hash-split replicas pooled (both measured within 0.2 points in the run).
        XCTAssertTrue(out.stdout.contains("CDN 'photo-cdn': hit ratio 64.4% assumed"), out.stdout)
        XCTAssertTrue(out.stdout.contains("Cache 'feed-cache': hit ratio 10% assumed (2 replicas splitting the keys by hash"), out.stdout)
    }

    func testBadTargetUtilization() throws {
        let out = try sdsim(["estimate", "scenarios/instagram.yaml", "--target-utilization", "1.5"])
        XCTAssertEqual(out.status, 2)
        XCTAssertTrue(out.stderr.contains("--target-utilization"), out.stderr)
    }
}
