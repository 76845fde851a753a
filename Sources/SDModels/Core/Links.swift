import SDConfig
import SDEngine

/// The links of the network, when the scenario gives them a bandwidth (`network: bandwidth:`,
/// `client-uplink:`, `client-downlink:`, `egress-cost:`).
///
/// Every component has one outgoing link of `bandwidth` bytes a second (its network interface in
/// the data center). A transfer of S bytes takes S ÷ bandwidth on the sender's link, after every
/// transfer queued on it before (a FIFO link: a single-server queue whose service time is the
/// size over the bandwidth), then the hop's latency. Which bytes cross a hop: a write carries its
/// payload for the component it is sent to; a read comes back with the payload of the component
/// answering (its response); requests of reads and replies to writes carry nothing.
///
/// Clients are users, each on a link of their own: a request from a client pays size ÷ uplink, a
/// response to a client size ÷ downlink, without queueing behind other users. Bytes delivered to
/// clients are the data center's egress; bytes received from them its ingress.
///
/// A CDN edge (``CDN``) is outside the data center: what it delivers to clients is counted apart
/// (``edgeEgress``), not as egress, and what it fetches from its origin is egress. An edge sends
/// from many points of presence: its transfers do not queue on one link. A load balancer whose
/// targets are all edges (DNS steering users to points of presence) counts as an edge.
public final class Links {
    let bandwidth: Double
    let uplink: Double
    let downlink: Double
    private let isClient: [Bool]
    private let isEdge: [Bool]
    private let warmupEnd: Int64
    /// When each node's link is free again, in ns.
    private var freeAt: [Int64]
    // Measured window, per node (index: handler id).
    private(set) var bytesOut: [Double]
    private(set) var bytesIn: [Double]
    private(set) var busyNs: [Int64]
    private(set) var transfers: [Int]
    private(set) var waitNs: [Double]
    /// Bytes clients sent to the data center, and bytes delivered to clients (egress), measured window.
    public private(set) var ingress: Double = 0
    public private(set) var egress: Double = 0
    /// Bytes CDN edges delivered to clients, measured window (not data-center egress).
    public private(set) var edgeEgress: Double = 0

    init(network: NetworkConfig, isClient: [Bool], isEdge: [Bool]? = nil, warmupEnd: Int64) {
        bandwidth = network.bandwidth ?? 0
        uplink = network.clientUplink ?? 0
        downlink = network.clientDownlink ?? 0
        self.isClient = isClient
        self.isEdge = isEdge ?? [Bool](repeating: false, count: isClient.count)
        self.warmupEnd = warmupEnd
        let n = isClient.count
        freeAt = [Int64](repeating: 0, count: n)
        bytesOut = [Double](repeating: 0, count: n)
        bytesIn = [Double](repeating: 0, count: n)
        busyNs = [Int64](repeating: 0, count: n)
        transfers = [Int](repeating: 0, count: n)
        waitNs = [Double](repeating: 0, count: n)
    }

    /// Whether links are configured at all (any of the keys is given).
    static func wanted(_ network: NetworkConfig) -> Bool {
        network.bandwidth != nil || network.clientUplink != nil || network.clientDownlink != nil || network.egressCostPerGB != nil
    }

    /// Nanoseconds for `bytes` at `rate` bytes a second (rate 0: no time), rounded up, saturating.
    @inline(__always)
    static func ns(_ bytes: Double, at rate: Double) -> Int64 {
        guard rate > 0, bytes > 0 else { return 0 }
        let x = (bytes / rate * 1e9).rounded(.up)
        return x >= 9.2e18 ? Int64.max / 4 : Int64(x)
    }

    /// Sends `bytes` from node `from` to node `to` at `now` (ns): the time until the last byte has
    /// left the links involved (before the hop's latency).
    func transfer(from: Int32, to: Int32, bytes: Double, now: Int64) -> Int64 {
        let f = Int(from), t = Int(to)
        let measured = now >= warmupEnd
        var delay: Int64 = 0
        if isClient[f] {
            delay = Links.ns(bytes, at: uplink)
            if measured { ingress += bytes }
        } else if bandwidth > 0 && !isEdge[f] {
            let start = max(now, freeAt[f])
            let busy = Links.ns(bytes, at: bandwidth)
            freeAt[f] = start + busy
            delay = start + busy - now
            if measured {
                busyNs[f] += busy
                transfers[f] += 1
                waitNs[f] += Double(start - now)
            }
        }
        if isClient[t] {
            delay += Links.ns(bytes, at: downlink)
            if measured {
                if isEdge[f] { edgeEgress += bytes } else { egress += bytes }
            }
        } else if isEdge[t] && !isEdge[f] && measured {
            egress += bytes   // an origin's fill leaves the data center for the edge (an edge's steering does not)
        }
        if measured {
            bytesOut[f] += bytes
            bytesIn[t] += bytes
        }
        return delay
    }

    /// The report figures of node `id` over a window of `window`: bytes in and out, and with a
    /// bandwidth, the link's utilization and the mean wait of a transfer for it.
    public func figures(of id: Int32, window: SimDuration) -> [(name: String, value: Double)] {
        let i = Int(id)
        var out: [(name: String, value: Double)] = [("bytes_in", bytesIn[i]), ("bytes_out", bytesOut[i])]
        if bandwidth > 0 && !isEdge[i] {
            out.append(("link_utilization", window.ns > 0 ? Double(busyNs[i]) / Double(window.ns) : .nan))
            if transfers[i] > 0 { out.append(("link_wait_mean", waitNs[i] / Double(transfers[i]) / 1e9)) }
        }
        return out
    }
}
