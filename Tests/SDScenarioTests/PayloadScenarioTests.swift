import Foundation
import SDEngine
@testable import SDModels
import SDScenario
import SDConfig
import SDAnalysis
import XCTest

/// `payload:` and `copies:`: each component stores what was written to it, not the request's `size`.
final class PayloadScenarioTests: XCTestCase {
    func load(_ text: String) throws -> ModelConfig {
        do {
            return try ScenarioLoader.load(text: text, file: "test.yaml")
        } catch {
            XCTFail(error.rendered())
            throw error
        }
    }

    func extra(_ r: RunResult, _ component: String, _ name: String) -> Double {
        r.components.first { $0.name == component }?.extra.first { $0.0 == name }?.1 ?? .nan
    }

    /// Uploads every 100 ms (so every one of them has finished by the end): the photo (a random
    /// size) goes to the object store with two thumbnails made in place, a 1 KB row to the
    /// database, a 200 B message to the queue, whose consumer stores a 50 KB web-size copy in a
    /// second store. The client counts the photo bytes it drew on its own; each store must hold
    /// exactly what was written to it.
    static let upload = """
        name: payloads
        seed: 11
        duration: 10.05s
        workload:
          - name: uploads
            arrival: constant(100ms)
            type: upload
            size: lognormal(5MB, 1.0)
            copies: [200KB, 20KB]
            payload:
              metadata-db: constant(1KB)
              jobs: constant(200B)
              web-sizes: constant(50KB)
            route: [app, metadata-db, photos, jobs]
        components:
          app:
            kind: server
            workers: 4
            service: constant(1ms)
          metadata-db:
            kind: database
            workers: 4
            service: constant(1ms)
          photos:
            kind: object-store
            connections: 100
            first-byte: constant(1ms)
            bandwidth: 1GB/s
            replication-factor: 3
          jobs:
            kind: queue
            consumers: 2
            process: constant(1ms)
            calls: [web-sizes]
          web-sizes:
            kind: object-store
            first-byte: constant(1ms)
            bandwidth: 1GB/s
        """

    func testEachComponentStoresWhatWasWrittenToIt() throws {
        let config = try load(Self.upload)
        XCTAssertEqual(config.workloads[0].mix[0].payloads.map(\.component), ["metadata-db", "jobs", "web-sizes"])
        let r = Runner.runOnce(config).result
        let w = r.workloads[0]
        XCTAssertEqual(w.arrived, 100)
        XCTAssertEqual(w.completed, 100)
        let photoBytes = w.bytes   // the client's own count of the sizes it drew
        XCTAssertGreaterThan(photoBytes, 100 * 1e6)
        XCTAssertEqual(extra(r, "metadata-db", "stored_bytes"), 100 * 1_000)
        XCTAssertEqual(extra(r, "photos", "bytes_uploaded"), photoBytes, accuracy: 1e-6 * photoBytes)
        XCTAssertEqual(extra(r, "photos", "bytes_stored"), 3 * (photoBytes + 100 * 220_000), accuracy: 1e-6 * photoBytes)
        XCTAssertEqual(extra(r, "photos", "objects_stored"), 300)
        XCTAssertEqual(extra(r, "web-sizes", "bytes_stored"), 100 * 50_000)
        XCTAssertEqual(extra(r, "web-sizes", "objects_stored"), 100)
    }

    /// Without `payload:` every hop carries `size`, as before: the database stores the photo, and
    /// both stores the photo with its copies.
    func testWithoutPayloadEveryHopCarriesTheSize() throws {
        let text = Self.upload.replacingOccurrences(of: """
                payload:
                  metadata-db: constant(1KB)
                  jobs: constant(200B)
                  web-sizes: constant(50KB)

            """, with: "")
        let config = try load(text)
        XCTAssertTrue(config.workloads[0].mix[0].payloads.isEmpty)
        let r = Runner.runOnce(config).result
        XCTAssertEqual(extra(r, "metadata-db", "stored_bytes"), r.workloads[0].bytes, accuracy: 1e-6 * r.workloads[0].bytes)
        XCTAssertEqual(extra(r, "web-sizes", "bytes_stored"), r.workloads[0].bytes + 100 * 220_000, accuracy: 1e-6 * r.workloads[0].bytes)
    }

    func testPayloadErrors() {
        let bad = Self.upload.replacingOccurrences(of: "metadata-db: constant(1KB)", with: "metadata-bd: constant(1KB)")
            .replacingOccurrences(of: "jobs: constant(200B)", with: "jobs: 200ms")
        do {
            _ = try ScenarioLoader.load(text: bad, file: "test.yaml")
            XCTFail("accepted")
        } catch {
            let text = error.rendered()
            XCTAssertTrue(text.contains("unknown component 'metadata-bd' in 'payload'; did you mean 'metadata-db'?"), text)
            XCTAssertTrue(text.contains("jobs"), text)
        }
    }
}
