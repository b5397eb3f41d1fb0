import Foundation
import SweepEngine
import ZixlyCore

/// The sweep form's fields as typed. It checks them in the form's own words, each under the
/// field it is about (a word in "Fast period from" is flagged there, a backwards range under its
/// end), and makes the API body the job type then checks for everything else.
struct SweepForm {
    /// The whole-number fields, with their labels.
    static let wholeNumbers = [
        ("fast_from", "Fast period from"), ("fast_to", "Fast period to"), ("slow_from", "Slow period from"), ("slow_to", "Slow period to"),
        ("step", "Step"), ("min_trades", "Minimum trades"),
    ]
    /// The optional cost fields, in basis points.
    static let costs = ["fees_bps", "slippage_bps"]
    static let names = ["ticker", "strategy_type"] + wholeNumbers.map(\.0) + costs

    /// A small default grid; `min_trades` is the API's default (DESIGN §3), so the form and a
    /// webhook rank alike.
    static let defaults = [
        "ticker": "GOOG", "strategy_type": "SMA", "fast_from": "5", "fast_to": "50", "slow_from": "20", "slow_to": "200", "step": "5",
        "min_trades": "50", "fees_bps": "0", "slippage_bps": "0",
    ]

    var fields: [String: String]

    init(_ fields: [String: String]) {
        self.fields = Dictionary(uniqueKeysWithValues: Self.names.map { ($0, (fields[$0] ?? "").trimmingCharacters(in: .whitespaces)) })
    }

    private func integer(_ name: String) -> Int? { Int(fields[name] ?? "") }

    /// What is wrong with the fields themselves, by field name.
    func problems() -> [String: String] {
        var errors: [String: String] = [:]
        for (name, _) in Self.wholeNumbers {
            let text = fields[name] ?? ""
            if text.isEmpty {
                errors[name] = "is required"
            } else if Int(text) == nil {
                errors[name] = "“\(text)” is not a whole number"
            }
        }
        for name in Self.costs {
            let text = fields[name] ?? ""
            if !text.isEmpty, Double(text).map({ $0 >= 0 && $0.isFinite }) != true {
                errors[name] = "“\(text)” is not a number of basis points (0 or more)"
            }
        }
        if let from = integer("fast_from"), let to = integer("fast_to"), from > to {
            errors["fast_to"] = errors["fast_to"] ?? "must not be below the fast period's start (\(from))"
        }
        if let from = integer("slow_from"), let to = integer("slow_to"), from > to {
            errors["slow_to"] = errors["slow_to"] ?? "must not be below the slow period's start (\(from))"
        }
        if let fast = integer("fast_from"), let slow = integer("slow_from"), fast >= slow {
            errors["slow_from"] = errors["slow_from"] ?? "must be above the fast period's start (\(fast)): the slow average is the longer one"
        }
        if let fast = integer("fast_to"), let slow = integer("slow_to"), fast >= slow {
            errors["slow_to"] = errors["slow_to"] ?? "must be above the fast period's end (\(fast))"
        }
        return errors
    }

    /// The API's error for `field` shown under the form field it comes from.
    static func formField(forAPIField field: String) -> String {
        switch field {
        case "fast_range": "fast_to"
        case "slow_range": "slow_to"
        default: field
        }
    }

    /// The API body these fields make (a field that does not parse is left out or null, for the
    /// job type to name).
    var body: JSONValue {
        func number(_ name: String) -> JSONValue { integer(name).map { .number(Double($0)) } ?? .null }
        var body: [String: JSONValue] = [
            "ticker": .string(fields["ticker"] ?? ""),
            "strategy_type": .string(fields["strategy_type"] ?? ""),
            "fast_range": [number("fast_from"), number("fast_to")],
            "slow_range": [number("slow_from"), number("slow_to")],
            "step": number("step"),
            "min_trades": number("min_trades"),
        ]
        for name in Self.costs {
            if let value = Double(fields[name] ?? "") { body[name] = .number(value) }
        }
        return .object(body)
    }

    /// "N combinations" when the grid's fields parse and lie within 1…10,000 (what the page shows
    /// before any typing). The bound comes first: typed numbers may be anything an Int holds, and
    /// the count must neither overflow nor take long.
    var combinations: String? {
        let plausible = 1...10_000
        guard let fastFrom = integer("fast_from"), let fastTo = integer("fast_to"), let slowFrom = integer("slow_from"),
            let slowTo = integer("slow_to"), let step = integer("step"),
            [fastFrom, fastTo, slowFrom, slowTo, step].allSatisfy(plausible.contains), fastFrom <= fastTo, slowFrom <= slowTo
        else { return nil }
        let count = SweepGrid(fastRange: fastFrom...fastTo, slowRange: slowFrom...slowTo, step: step).combinationCount
        return "\(count) combinations"
    }
}
