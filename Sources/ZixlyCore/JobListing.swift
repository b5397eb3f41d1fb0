import Foundation

/// Which jobs a listing shows.
public struct JobFilter: Sendable, Equatable {
    public var state: JobState?
    public var jobType: String?
    public var tenant: String?
    /// Leaves out the jobs a parent queued (one per ticker of a many-ticker sweep).
    public var topLevelOnly: Bool
    public init(state: JobState? = nil, jobType: String? = nil, tenant: String? = nil, topLevelOnly: Bool = false) {
        self.state = state
        self.jobType = jobType
        self.tenant = tenant
        self.topLevelOnly = topLevelOnly
    }
}

public struct PageRequest: Sendable, Equatable {
    public var limit: Int
    public var offset: Int
    public init(limit: Int = 20, offset: Int = 0) {
        self.limit = limit
        self.offset = offset
    }
}

public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int
    public var request: PageRequest
    public init(items: [Item], total: Int, request: PageRequest) {
        self.items = items
        self.total = total
        self.request = request
    }
    public var hasMore: Bool { request.offset + items.count < total }
}
