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

    /// `sort_by`, one of `Key`'s names (`default` when absent), and `order`, `asc` or `desc` (when
    /// absent, descending as `descendingByDefault` says of the key). A bad value adds a message.
    static func sorting<Key: RawRepresentable & CaseIterable>(
        _ query: Hummingbird.Parameters, default: Key, descendingByDefault: (Key) -> Bool, fields: inout [String: String]
    ) -> (key: Key, descending: Bool) where Key.RawValue == String {
        var key = `default`
        if let text = query.get("sort_by"), !text.isEmpty {
            if let named = Key(rawValue: text) {
                key = named
            } else {
                fields["sort_by"] = "must be one of \(Key.allCases.map(\.rawValue).joined(separator: ", "))"
            }
        }
        switch query.get("order")?.lowercased() {
        case nil, "": return (key, descendingByDefault(key))
        case "asc": return (key, false)
        case "desc": return (key, true)
        default:
            fields["order"] = "must be asc or desc"
            return (key, descendingByDefault(key))
        }
    }

    /// A page's `limit` (1–100, default 20) and `offset` (default 0).
    static func page(_ query: Hummingbird.Parameters, fields: inout [String: String]) -> (limit: Int, offset: Int) {
        (
            integer(query.get("limit"), field: "limit", in: 1...100, default: 20, fields: &fields),
            integer(query.get("offset"), field: "offset", in: 0...Int(Int32.max), default: 0, fields: &fields)
        )
    }
}
