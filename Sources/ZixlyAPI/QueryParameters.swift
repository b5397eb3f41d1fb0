import Hummingbird

/// Reading query parameters, collecting a message per bad field (the 400's `fields`).
enum QueryParameters {
    /// `text` as a whole number within `limits`; `default` when absent. A bad value (an empty
    /// one too: `?offset=` names no number) adds a message for `field` and returns `default`.
    static func integer(_ text: String?, field: String, in limits: ClosedRange<Int>, default: Int, fields: inout [String: String]) -> Int {
        guard let text else { return `default` }
        guard let value = Int(text), limits.contains(value) else {
            fields[field] = "must be a whole number within \(limits.lowerBound)...\(limits.upperBound)"
            return `default`
        }
        return value
    }

    /// A page's `limit` (1–100, default 20) and `offset` (default 0).
    static func page(_ query: Hummingbird.Parameters, fields: inout [String: String]) -> (limit: Int, offset: Int) {
        (
            integer(query.get("limit"), field: "limit", in: 1...100, default: 20, fields: &fields),
            integer(query.get("offset"), field: "offset", in: 0...Int(Int32.max), default: 0, fields: &fields)
        )
    }
}
