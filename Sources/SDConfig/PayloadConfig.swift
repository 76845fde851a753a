import SDEngine

/// What one request type carries to one component group instead of its `size` (`payload:`):
/// the metadata row an upload writes to a database, the message it puts on a queue, the
/// thumbnail a worker stores. For a write the bytes travel with the request and are stored; for
/// a read they are the response coming back.
public struct HopPayload: Sendable, Equatable {
    /// The component group the payload goes to.
    public var component: String
    /// Its size in bytes.
    public var size: Distribution

    /// A payload of `size` bytes for `component`.
    public init(component: String, size: Distribution) { self.component = component; self.size = size }
}
