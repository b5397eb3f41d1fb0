/// Field → what is wrong with it; the API returns it as `details`.
public struct ValidationErrors: Error, Equatable, CustomStringConvertible {
    public var fields: [String: String]
    public init(fields: [String: String] = [:]) { self.fields = fields }
    public var isEmpty: Bool { fields.isEmpty }
    public var description: String {
        fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
    }
}
