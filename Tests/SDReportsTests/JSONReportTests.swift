import Foundation
import SDModels
import SDMetrics
import XCTest
@testable import SDReports
import SDConfig
import SDAnalysis

final class JSONReportTests: XCTestCase {
    func testWholeDocumentMatchesExpectedText() {
        let expected = #"""
        {
          "scenario": "three-tier",
          "seed": 7,
          "simulated_seconds": 120.0,
          "warmup_seconds": 10.0,
          "events": 1234567,
          "replications": 1,
          "steady_state": true,
          "workload": {
            "feed-read": {
              "arrived": 264000,
              "completed": 263990,
              "failed": 0,
              "in_flight": 10,
              "failed_by": {},
              "retries": 0,
              "late_replies": 0,
              "arrived_by_type": {},
              "bytes": 0.0,
              "availability": 1.0,
              "availability_series": [],
              "latency": {
                "count": 263990,
                "mean": 0.0176,
                "mean_ci95": [0.0174, 0.0178],
                "mean_ci95_reliable": true,
                "p50": 0.0152,
                "p90": 0.0301,
                "p99": 0.0623,
                "p999": 0.0999,
                "max": 0.25,
                "out_of_range": 0
              }
            },
            "post-write": {
              "arrived": 12000,
              "completed": 11900,
              "failed": 95,
              "in_flight": 5,
              "failed_by": {},
              "retries": 0,
              "late_replies": 0,
              "arrived_by_type": {},
              "bytes": 0.0,
              "availability": 0.992080033347228,
              "availability_series": [],
              "latency": {
                "count": 11900,
                "mean": 1.5,
                "mean_ci95": [1.25, 1.75],
                "mean_ci95_reliable": true,
                "p50": 0.00085,
                "p90": 2.5e-07,
                "p99": 3.0,
                "p999": 12.5,
                "max": 1234.5,
                "out_of_range": 3
              }
            }
          },
          "components": {
            "lb": {
              "kind": "load-balancer",
              "workers": 0,
              "utilization": 0.0,
              "throughput": 2400.0,
              "queue_length_mean": 0.0,
              "wait_mean": 0.0,
              "response_mean": 0.0,
              "arrived": 288000,
              "completed": 288000,
              "rejected": 0
            },
            "app-1": {
              "kind": "server",
              "group": "app",
              "workers": 4,
              "utilization": 0.7512,
              "throughput": 600.24,
              "queue_length_mean": 0.25,
              "wait_mean": 0.0021,
              "response_mean": 0.0125,
              "arrived": 1000,
              "completed": 990,
              "rejected": 0
            },
            "app-2": {
              "kind": "server",
              "group": "app",
              "workers": 4,
              "utilization": 0.7488,
              "throughput": 599.76,
              "queue_length_mean": 0.25,
              "wait_mean": 0.0021,
              "response_mean": 0.0125,
              "arrived": 1000,
              "completed": 990,
              "rejected": 12
            },
            "app": {
              "kind": "server",
              "is_group": true,
              "workers": 4,
              "utilization": 0.75,
              "throughput": 1200.0,
              "queue_length_mean": 0.25,
              "wait_mean": 0.0021,
              "response_mean": 0.0125,
              "arrived": 1000,
              "completed": 990,
              "rejected": 0
            },
            "cache": {
              "kind": "cache",
              "workers": 2,
              "utilization": 0.1,
              "throughput": 1200.0,
              "queue_length_mean": 0.01,
              "wait_mean": 1.5e-06,
              "response_mean": 0.0005,
              "hit_ratio": 0.8,
              "arrived": 1000,
              "completed": 990,
              "rejected": 0
            },
            "db": {
              "kind": "server",
              "workers": 8,
              "utilization": 0.753,
              "throughput": 240.5,
              "queue_length_mean": 1234.5678,
              "wait_mean": 0.0456,
              "response_mean": 0.0789,
              "arrived": 1000,
              "completed": 990,
              "rejected": 0
            }
          }
        }
        """# + "\n"
        let actual = JSONReport.render(Fixtures.threeTier())
        XCTAssertEqual(actual, expected)
        if actual != expected { print(actual) }
    }

    private func parse(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try XCTUnwrap(object as? [String: Any], file: file, line: line)
    }

    func testParsesAndHasTheRequiredKeys() throws {
        let doc = try parse(JSONReport.render(Fixtures.threeTier()))
        for key in ["scenario", "seed", "simulated_seconds", "warmup_seconds", "events", "replications",
                    "workload", "components"] {
            XCTAssertNotNil(doc[key], key)
        }
        XCTAssertEqual(doc["scenario"] as? String, "three-tier")
        XCTAssertEqual(doc["seed"] as? Int, 7)
        XCTAssertEqual(doc["simulated_seconds"] as? Double, 120)
        XCTAssertEqual(doc["events"] as? Int, 1_234_567)

        let workloads = try XCTUnwrap(doc["workload"] as? [String: Any])
        XCTAssertEqual(Set(workloads.keys), ["feed-read", "post-write"])
        let feed = try XCTUnwrap(workloads["feed-read"] as? [String: Any])
        for key in ["arrived", "completed", "failed", "in_flight", "latency"] { XCTAssertNotNil(feed[key], key) }
        XCTAssertEqual(feed["in_flight"] as? Int, 10)
        let latency = try XCTUnwrap(feed["latency"] as? [String: Any])
        for key in ["count", "mean", "mean_ci95", "p50", "p90", "p99", "p999", "max", "out_of_range"] {
            XCTAssertNotNil(latency[key], key)
        }
        XCTAssertEqual(latency["mean_ci95"] as? [Double], [0.0174, 0.0178])
        XCTAssertEqual(latency["p999"] as? Double, 0.0999)

        let components = try XCTUnwrap(doc["components"] as? [String: Any])
        XCTAssertEqual(Set(components.keys), ["lb", "app-1", "app-2", "app", "cache", "db"])
        for (name, value) in components {
            let c = try XCTUnwrap(value as? [String: Any])
            for key in ["kind", "workers", "utilization", "throughput", "queue_length_mean", "wait_mean",
                        "response_mean", "arrived", "completed", "rejected"] {
                XCTAssertNotNil(c[key], "\(name).\(key)")
            }
            XCTAssertEqual(c["hit_ratio"] != nil, name == "cache", name)
            XCTAssertEqual(c["group"] as? String, name.hasPrefix("app-") ? "app" : nil, name)
            XCTAssertEqual(c["is_group"] as? Bool, name == "app" ? true : nil, name)
        }
    }

    func testKeysFollowTheOrderOfTheResultArrays() {
        let text = JSONReport.render(Fixtures.threeTier())
        let positions = ["lb", "app-1", "app-2", "app", "cache", "db"].map {
            text.range(of: "\"\($0)\": {")!.lowerBound
        }
        XCTAssertEqual(positions, positions.sorted())
    }

    func testSpecialCharactersAreEscaped() throws {
        var r = Fixtures.threeTier()
        let name = "a\"b\\c/d\n\r\t\u{08}\u{0C}\u{01}\u{1F}\u{7F} é 😀"
        r.scenario = name
        r.workloads[0].name = "w\"x"
        let text = JSONReport.render(r)
        // DEL, like C0, C1 and bidirectional overrides, is escaped too: the document is safe on a terminal.
        XCTAssertTrue(text.contains(#""scenario": "a\"b\\c/d\n\r\t\b\f\u0001\u001f\u007f é 😀","#), text)
        XCTAssertTrue(text.contains(#""w\"x": {"#))
        let doc = try parse(text)
        XCTAssertEqual(doc["scenario"] as? String, name)
        XCTAssertNotNil((doc["workload"] as? [String: Any])?["w\"x"])
    }

    func testNonFiniteNumbersBecomeNull() throws {
        var r = Fixtures.threeTier()
        r.workloads[0].latency.mean = .nan
        r.workloads[0].latency.meanCI95 = ConfidenceInterval(low: -.infinity, high: .infinity)
        let text = JSONReport.render(r)
        XCTAssertTrue(text.contains(#""mean": null,"#))
        XCTAssertTrue(text.contains(#""mean_ci95": [null, null],"#))
        let doc = try parse(text)
        let latency = ((doc["workload"] as? [String: Any])?["feed-read"] as? [String: Any])?["latency"] as? [String: Any]
        XCTAssertTrue(latency?["mean"] is NSNull)
    }

    func testNumbersAreValidJSONAndRoundTrip() throws {
        let values: [Double] = [0, -0.0, 1, 0.1, 120, 1e-7, 2.5e-7, .leastNonzeroMagnitude, 1e16, 1.5e300,
                                1.7976931348623157e308, -3.25, 123456789.123]
        let text = JSONValue.array(values.map(JSONValue.double)).rendered()
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Double])
        XCTAssertEqual(parsed, values)
        XCTAssertEqual(JSONValue.double(120).rendered(), "120.0")
    }

    func testLargeSeedIsAnExactInteger() {
        var r = Fixtures.threeTier()
        r.seed = .max
        XCTAssertTrue(JSONReport.render(r).contains(#""seed": 18446744073709551615,"#))
    }

    func testWriterShapes() {
        let v = JSONValue.object([
            ("b", .bool(false)), ("a", .array([])), ("o", .object([])), ("n", .null),
            ("nested", .array([.object([("x", .integer(-1))])])),
        ])
        XCTAssertEqual(v.rendered(indent: 0), #"{"b":false,"a":[],"o":{},"n":null,"nested":[{"x":-1}]}"#)
        XCTAssertEqual(v.rendered(), """
            {
              "b": false,
              "a": [],
              "o": {},
              "n": null,
              "nested": [
                {
                  "x": -1
                }
              ]
            }
            """)
        XCTAssertEqual(v, v)
        XCTAssertNotEqual(JSONValue.object([("a", .null), ("b", .null)]), .object([("b", .null), ("a", .null)]))
    }

    func testEmptyResult() throws {
        let r = RunResult(scenario: "empty", seed: 0, simulatedSeconds: 0, warmupSeconds: 0, events: 0,
                          replications: 1, workloads: [], components: [])
        let doc = try parse(JSONReport.render(r))
        XCTAssertEqual((doc["workload"] as? [String: Any])?.count, 0)
        XCTAssertEqual((doc["components"] as? [String: Any])?.count, 0)
    }
}
