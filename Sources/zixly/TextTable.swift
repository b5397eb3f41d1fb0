/// Plain text tables for the terminal: right-aligned numbers, a rule under the header.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    func render() -> String {
        let widths = header.indices.map { column in
            ([header[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
    }
}

/// Fixed decimals, or "—" for a missing or non-finite value.
func formatted(_ value: Double?, decimals: Int = 2) -> String {
    guard let value, value.isFinite else { return value == .infinity ? "inf" : "—" }
    var text = String(Int((abs(value) * pow10(decimals)).rounded()))
    while text.count <= decimals { text = "0" + text }
    let whole = text.dropLast(decimals)
    let fraction = text.suffix(decimals)
    return (value < 0 && text.contains(where: { $0 != "0" }) ? "-" : "") + whole + (decimals > 0 ? "." + fraction : "")
}

private func pow10(_ exponent: Int) -> Double {
    (0..<exponent).reduce(1.0) { value, _ in value * 10 }
}
