import Foundation

/// The metric names a PromQL expression reads: enough of PromQL's lexical rules to tell a
/// series name from a function, keyword, label, string, duration or grouping list.
public enum PromQL {
    static let keywords: Set<String> = [
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
        "offset", "inf", "nan", "atan2",
        // Aggregation operators, which may be followed by a grouping clause instead of "(".
        "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
        "limitk", "limit_ratio",
    ]

    public static func metricNames(in expression: String) -> Set<String> {
        var names: Set<String> = []
        let scalars = Array(expression.unicodeScalars)
        var index = 0
        var skipNextParenthesisList = false
        func isNameStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c == ":" || CharacterSet.letters.contains(c) && c.isASCII }
        func isNamePart(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || ("0"..."9").contains(c) }
        while index < scalars.count {
            let c = scalars[index]
            switch c {
            case "\"", "'", "`":
                index = skip(string: scalars, from: index)
            case "{":
                index = skip(until: "}", in: scalars, from: index)
            case "[":
                index = skip(until: "]", in: scalars, from: index)
            case "(" where skipNextParenthesisList:
                index = skip(until: ")", in: scalars, from: index)
                skipNextParenthesisList = false
            case "$":
                // A Grafana variable ($__range, ${datasource}): not a series.
                index += 1
                while index < scalars.count, isNamePart(scalars[index]) || scalars[index] == "{" || scalars[index] == "}" { index += 1 }
            case _ where ("0"..."9").contains(c) || (c == "." && index + 1 < scalars.count && ("0"..."9").contains(scalars[index + 1])):
                // A number (1, 0.95, 1e3, 0x1f) or a duration (5m): consume its letters too.
                while index < scalars.count, isNamePart(scalars[index]) || scalars[index] == "." { index += 1 }
            case _ where isNameStart(c):
                var end = index
                while end < scalars.count, isNamePart(scalars[end]) { end += 1 }
                let word = String(String.UnicodeScalarView(scalars[index..<end]))
                var next = end
                while next < scalars.count, scalars[next] == " " || scalars[next] == "\n" || scalars[next] == "\t" { next += 1 }
                let isCall = next < scalars.count && scalars[next] == "("
                if ["by", "without", "on", "ignoring", "group_left", "group_right"].contains(word.lowercased()) {
                    skipNextParenthesisList = true
                } else if !isCall && !keywords.contains(word.lowercased()) {
                    names.insert(word)
                }
                index = end
            default:
                index += 1
            }
        }
        return names
    }

    private static func skip(string scalars: [Unicode.Scalar], from start: Int) -> Int {
        let quote = scalars[start]
        var index = start + 1
        while index < scalars.count, scalars[index] != quote {
            index += scalars[index] == "\\" ? 2 : 1
        }
        return index + 1
    }

    private static func skip(until close: Unicode.Scalar, in scalars: [Unicode.Scalar], from start: Int) -> Int {
        var index = start + 1
        while index < scalars.count, scalars[index] != close {
            if scalars[index] == "\"" || scalars[index] == "'" || scalars[index] == "`" {
                index = skip(string: scalars, from: index)
            } else {
                index += 1
            }
        }
        return index + 1
    }
}
