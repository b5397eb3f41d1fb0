/// Numbers as people read them in pages and lists.
public enum NumberText {
    /// 1234567 → "1,234,567"; −1200 → "-1,200".
    public static func grouped(_ value: Int) -> String {
        var digits = String(value.magnitude)
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        return (value < 0 ? "-" : "") + ([digits] + groups).joined(separator: ",")
    }
}
