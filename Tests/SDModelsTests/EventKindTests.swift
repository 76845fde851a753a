import XCTest
@testable import SDModels

/// Each node class numbers its own event kinds in an enum; a kind must never be one its
/// superclass also handles, or the event would reach the wrong handler.
final class EventKindTests: XCTestCase {
    func testNodeClassesNumberTheirEventsAfterTheNodesOwn() {
        let nodeLevel: [[Int32]] = [
            Station.Event.allRawValues, Machine.Event.allRawValues, FailureInjector.Event.allRawValues,
            Database.Event.allRawValues, LoadBalancer.Event.allRawValues, VirtualAddress.Event.allRawValues,
            Client.Event.allRawValues, Scaler.Event.allRawValues, Autoscaler.Event.allRawValues, Dispatcher.Event.allRawValues,
        ]
        for kinds in nodeLevel {
            XCTAssertTrue(kinds.allSatisfy { $0 >= NodeEvent.firstPrivate && $0 < Station.firstSubclassEvent }, "\(kinds)")
        }
        let stationSubclasses: [[Int32]] = [Server.Event.allRawValues, KeyedCache.Event.allRawValues,
                                            MessageQueue.Event.allRawValues, PolledTable.Event.allRawValues,
                                            KVStore.Event.allRawValues]
        for kinds in stationSubclasses {
            XCTAssertTrue(kinds.allSatisfy { $0 >= Station.firstSubclassEvent }, "\(kinds)")
            XCTAssertTrue(Set(kinds).isDisjoint(with: Station.Event.allRawValues))
        }
        XCTAssertEqual(NodeEvent.allCases.map(\.rawValue), [0, 1])
    }
}
