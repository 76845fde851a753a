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

/// Storage that grows: the run's projection per month against `sdsim estimate`'s arithmetic.
final class StorageGrowthTests: XCTestCase {
    /// 1M users, half active daily, 4 uploads a month each: 0.772 uploads/s on average, at 1.7 ×
    /// at the evening peak the run covers. A photo of exactly 5 MB with thumbnails of 200 KB and
    /// 20 KB goes to the store, a 1 KB row to the database.
    static let text = """
        name: growth
        seed: 3
        duration: 2000s
        warmup: 10s
        population:
          users: 1M
          daily-active: 50%
          daily-cycle: 1.7
          activities:
            - type: upload
              per-user: 4/month
              size: constant(5MB)
              copies: [200KB, 20KB]
              payload: {metadata-db: constant(1KB)}
              route: [app, metadata-db, photos]
        components:
          app:
            kind: server
            workers: 8
            service: constant(1ms)
          metadata-db:
            kind: database
            workers: 8
            service: constant(1ms)
            read-replicas: 2
            replication-lag: constant(10ms)
            initial-bytes: 1GB
          photos:
            kind: object-store
            first-byte: constant(1ms)
            bandwidth: 1GB/s
            replication-factor: 3
        """

    func testProjectionMatchesEstimate() throws {
        let config = try ScenarioLoader.load(text: Self.text, file: "growth.yaml")
        // The estimate's per-component figure is the activity's arithmetic: users × daily × rate × item.
        let perComponent = Estimate.storagePerMonth(config)
        XCTAssertEqual(perComponent.map(\.component), ["metadata-db", "photos"])
        let photosMonth = 1e6 * 0.5 * 4 * (5e6 + 220e3)
        XCTAssertEqual(perComponent[1].bytes, photosMonth, accuracy: 1e-9 * photosMonth)
        XCTAssertEqual(perComponent[0].bytes, 1e6 * 0.5 * 4 * 1e3, accuracy: 1e-6)
        let line = Estimate.make(config).storage.first { $0.label == "upload per month" }
        XCTAssertEqual(line?.value ?? 0, photosMonth, accuracy: 1e-9 * photosMonth)

        let r = Runner.runOnce(config).result
        let photos = try XCTUnwrap(r.storage.first { $0.component == "photos" })
        let db = try XCTUnwrap(r.storage.first { $0.component == "metadata-db" })
        // Exact bookkeeping: the window's bytes are its uploads times the item.
        let uploads = Double(r.workloads[0].arrived)
        XCTAssertEqual(photos.windowBytes, uploads * 5.22e6, accuracy: 5.22e6 * 3)   // a few still in flight at the end
        XCTAssertEqual(photos.copies, 3)
        XCTAssertEqual(db.copies, 3)
        XCTAssertEqual(db.startBytes, 1e9)
        // The database stores a 1 KB row for each photo the store holds.
        XCTAssertEqual(db.windowBytes / 1e3, photos.windowBytes / 5.22e6, accuracy: 2)
        XCTAssertEqual(photos.estimatePerMonth ?? 0, photosMonth, accuracy: 1e-9 * photosMonth)
        // The window covers the evening peak: its arrivals run at about 1.7 × the mean.
        XCTAssertGreaterThan(photos.cycleFactor, 1.6)
        XCTAssertLessThan(photos.cycleFactor, 1.71)
        // The projection is a count of Poisson arrivals scaled: it matches the estimate within
        // 4 standard deviations of that count (expected ≈ 0.772 × 1.7 × 1990 ≈ 2,600 uploads).
        let expected = photosMonth / (30 * 86_400) * photos.cycleFactor * photos.windowSeconds / 5.22e6
        XCTAssertEqual(photos.perMonth / photosMonth, 1, accuracy: 4 / expected.squareRoot())
        XCTAssertEqual(photos.perYearAllCopies, photos.perMonth * 365 / 30 * 3, accuracy: 1e-6 * photos.perYearAllCopies)
    }
}
