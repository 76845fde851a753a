/// Values in numbered slots, the one pool every table of the model keeps its records in: request
/// records, cache entries, database jobs, fan-outs and replica applies, queued messages.
///
/// A slot that is given back is taken again (the most recently freed first) before the pool grows,
/// so memory follows the most records alive at once, never simulated time. A reused slot keeps
/// what was last written to it: its owner resets what must be reset and may keep what must
/// survive reuse (a stamp that tells a stale timer from a current one).
///
/// The slots live in manually managed memory rather than a Swift `Array`: reading a field of an
/// array element held by a class costs a retain and a release of the array's buffer, and those
/// reference counts were the largest single cost of an M/M/1 run. ``base`` is valid until the
/// next ``take(_:)`` that grows the pool.
public struct SlotPool<Element>: ~Copyable {
    /// The slots: `base + slot` for slots below ``count``.
    public private(set) var base: UnsafeMutablePointer<Element>
    /// Slots ever made (in use or free).
    public private(set) var count = 0
    private var capacity: Int
    private var free: [Int32] = []

    /// An empty pool with room for `capacity` slots before it first grows.
    public init(capacity: Int = 64) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// Slots in use.
    @inline(__always) public var inUse: Int { count - free.count }

    /// Whether the next ``take(_:)`` makes a new slot rather than reusing a free one.
    @inline(__always) public var takesNewSlot: Bool { free.isEmpty }

    /// Takes a free slot (its old contents kept) or makes one holding `fresh()`; returns its number.
    @inline(__always)
    public mutating func take(_ fresh: () -> Element) -> Int32 {
        if let reused = free.popLast() { return reused }
        if count == capacity { grow() }
        (base + count).initialize(to: fresh())
        count += 1
        return Int32(count - 1)
    }

    /// Takes a slot and stores `value` in it; returns its number.
    @inline(__always)
    public mutating func insert(_ value: Element) -> Int32 {
        let slot = take { value }
        base[Int(slot)] = value
        return slot
    }

    /// Gives `slot` back: a later ``take(_:)`` reuses it. Its contents stay until then.
    @inline(__always)
    public mutating func give(_ slot: Int32) {
        free.append(slot)
    }

    /// The value in `slot`.
    @inline(__always)
    public subscript(slot: Int32) -> Element {
        get { base[Int(slot)] }
        nonmutating _modify { yield &base[Int(slot)] }
    }

    /// Every slot ever made, in order, free ones included (O(count); for checks and reports).
    public var all: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: base, count: count) }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }
}

/// The links of one slot in an ``IntrusiveList``.
public struct ListLinks: Sendable {
    /// The previous slot towards the head, or −1.
    public var prev: Int32 = -1
    /// The next slot towards the tail, or −1.
    public var next: Int32 = -1

    /// Links of a slot on no list.
    public init() {}
}

/// A doubly-linked list threaded through the slots of a ``SlotPool``, each slot carrying its
/// ``ListLinks`` for this list in a field of its own (a slot may be on several lists, with a field
/// for each): O(1) to push at the head, to unlink any slot and to read either end. The list owns
/// only its ends; each operation is given the pool's ``SlotPool/base``.
public struct IntrusiveList<Element> {
    /// The most recently pushed slot, or −1.
    public private(set) var head: Int32 = -1
    /// The least recently pushed slot, or −1.
    public private(set) var tail: Int32 = -1
    private let offset: Int

    /// An empty list through the field `links` of the elements.
    public init(through links: WritableKeyPath<Element, ListLinks>) {
        guard let offset = MemoryLayout<Element>.offset(of: links) else {
            preconditionFailure("the links of an intrusive list are a stored field of its elements")
        }
        self.offset = offset
    }

    /// The links of slot `s`.
    @inline(__always)
    public func links(_ s: Int32, in base: UnsafeMutablePointer<Element>) -> UnsafeMutablePointer<ListLinks> {
        (UnsafeMutableRawPointer(base + Int(s)) + offset).assumingMemoryBound(to: ListLinks.self)
    }

    /// Pushes slot `s` (on no list) at the head.
    @inline(__always)
    public mutating func pushFront(_ s: Int32, in base: UnsafeMutablePointer<Element>) {
        let l = links(s, in: base)
        l.pointee.prev = -1
        l.pointee.next = head
        if head >= 0 { links(head, in: base).pointee.prev = s } else { tail = s }
        head = s
    }

    /// Takes slot `s` off the list.
    @inline(__always)
    public mutating func unlink(_ s: Int32, in base: UnsafeMutablePointer<Element>) {
        let l = links(s, in: base)
        let p = l.pointee.prev, n = l.pointee.next
        if p >= 0 { links(p, in: base).pointee.next = n } else { head = n }
        if n >= 0 { links(n, in: base).pointee.prev = p } else { tail = p }
        l.pointee.prev = -1
        l.pointee.next = -1
    }
}
