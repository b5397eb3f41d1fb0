import Foundation
import Testing
import ZixlyCore

/// `JSONValue`'s own reader and writer, checked against Foundation's `JSONDecoder`, which they replace
/// on the hot paths.
@Suite("JSON text")
struct JSONTextTests {
    static let valid = [
        #"{}"#, #"[]"#, #"null"#, #"true"#, #"false"#, #"0"#, #"-0"#, #"12"#, #"-3.25"#, #"1e3"#, #"1E-7"#, #"2.5e+10"#,
        #"0.1"#, #"1.7976931348623157e308"#, #"5e-324"#, #""""#, #""plain""#,
        #""esc \" \\ \/ \b \f \n \r \t""#, #""\u00e9\u4e2d\ud83d\ude00""#, #""é中😀""#, #""a\u0000b""#,
        #"  { "b" : [1, 2, {"c": null}], "a": "x" , "n": -12.5e-3 }  "#,
        "[\n\t1\r\n]", #"[[[[[[[[[[]]]]]]]]]]"#,
        #"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10}"#,
    ]

    @Test("reads what Foundation reads, to the same value", arguments: valid)
    func readsLikeFoundation(text: String) throws {
        let ours = try JSONValue(jsonText: text)
        let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(ours == foundation)
        #expect(try JSONValue(jsonBytes: Array(text.utf8)) == ours, "bytes and text read alike")
    }

    static let malformed: [(text: String, reason: String)] = [
        ("", "no JSON value at byte 0"),
        ("   ", "no JSON value at byte 3"),
        (#"{"a":1,}"#, "unexpected '}' in an object; a quoted key was expected at byte 7"),
        ("[1,]", "unexpected ']'; a value was expected at byte 3"),
        ("[1 2]", "unexpected '2' in an array; ',' or ']' was expected at byte 3"),
        (#"{"a" 1}"#, "unexpected '1' after an object key; ':' was expected at byte 5"),
        ("{'a':1}", "unexpected ''' in an object; a quoted key was expected at byte 1"),
        ("01", "a number cannot have a leading zero at byte 1"),
        ("1.", "a number needs a digit after '.' at byte 2"),
        ("1e", "a number needs a digit in its exponent at byte 2"),
        ("-", "a number needs a digit at byte 1"),
        ("+1", "unexpected '+'; a value was expected at byte 0"),
        (".5", "unexpected '.'; a value was expected at byte 0"),
        ("1e400", "number 1e400 is out of range at byte 0"),
        ("NaN", "unexpected 'N'; a value was expected at byte 0"),
        ("tru", "unexpected 't'; a value was expected at byte 0"),
        ("nul1", "unexpected 'n'; a value was expected at byte 0"),
        (#""abc"#, "unterminated string at byte 0"),
        ("\"a\nb\"", "unescaped control character in a string at byte 2"),
        (#""\x""#, #"invalid escape \'x' in a string at byte 2"#),
        (#""\u12""#, #"\u needs four hex digits at byte 3"#),
        (#""\ud83d""#, "unpaired UTF-16 surrogate in a string at byte 7"),
        (#""\ude00""#, "unpaired UTF-16 surrogate in a string at byte 7"),
        ("[1] x", "unexpected 'x' after the JSON value at byte 4"),
        ("{} {}", "unexpected '{' after the JSON value at byte 3"),
        (#"{"a":[1,2"#, "unterminated array; ',' or ']' was expected at byte 9"),
        (#"{"a":1"#, "unterminated object; ',' or '}' was expected at byte 6"),
    ]

    @Test("rejects what is not JSON, saying what and where", arguments: malformed)
    func rejects(text: String, reason: String) throws {
        let error = try #require(throws: JSONSyntaxError.self) { try JSONValue(jsonText: text) }
        #expect(error.description == reason)
        if !Self.foundationAccepts.contains(text) {
            #expect(throws: (any Error).self, "Foundation rejects it too") { try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }
        }
    }

    /// Trailing commas, which RFC 8259 does not allow and `JSONDecoder` lets through.
    static let foundationAccepts: Set = [#"{"a":1,}"#, "[1,]"]

    @Test("of a repeated key the last value wins")
    func repeatedKeys() throws {
        #expect(try JSONValue(jsonText: #"{"a":1,"b":true,"a":2}"#) == ["a": 2, "b": true])
    }

    @Test("rejects invalid UTF-8 and nesting past 512 levels without crashing")
    func rejectsBytesAndDepth() throws {
        let invalidUTF8: [UInt8] = [UInt8(ascii: "\""), 0xC3, 0x28, UInt8(ascii: "\"")]
        let error = try #require(throws: JSONSyntaxError.self) { try JSONValue(jsonBytes: invalidUTF8) }
        #expect(error.description == "invalid UTF-8 in the string at byte 0")
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let depth = try #require(throws: JSONSyntaxError.self) { try JSONValue(jsonText: deep) }
        #expect(depth.description == "nested deeper than 512 levels at byte 512")
        let allowed = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(try JSONValue(jsonText: allowed) != .null)
    }

    @Test("writes compact text with sorted keys, whole numbers without a fraction, escapes only what must be")
    func writes() {
        let value: JSONValue = [
            "b": [1, 2.5, -0.0, 1e21, 1e-7, nil, true], "a": "quote \" slash / backslash \\ newline \n tab \t bell \u{7}",
            "é": "中😀", "Z": [:], "": [],
        ]
        #expect(
            value.jsonText()
                == #"{"":[],"Z":{},"a":"quote \" slash / backslash \\ newline \n tab \t bell \u0007","b":[1,2.5,0,1e+21,1e-07,null,true],"é":"中😀"}"#)
        #expect(JSONValue.number(.infinity).jsonText() == "null")
        #expect(JSONValue.number(pow(2, 53)).jsonText() == "9007199254740992")
        #expect(JSONValue.number(pow(2, 63)).jsonText() == "9.223372036854776e+18", "from 2^63 on, in exponent form")
    }

    @Test("what it writes, Foundation and it read back to the same value (random values)")
    func roundTrips() throws {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<500 {
            let value = Self.randomValue(depth: 0, using: &generator)
            let text = value.jsonText()
            #expect(try JSONValue(jsonText: text) == value, "\(text)")
            #expect(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) == value, "\(text)")
        }
    }

    static func randomValue(depth: Int, using generator: inout SeededGenerator) -> JSONValue {
        let kinds = depth > 3 ? 4 : 6
        switch Int.random(in: 0..<kinds, using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2:
            return Bool.random(using: &generator)
                ? .number(Double(Int.random(in: -1_000_000...1_000_000, using: &generator)))
                : .number(Double.random(in: -1e12...1e12, using: &generator) / pow(10, Double(Int.random(in: 0...20, using: &generator))))
        case 3: return .string(randomString(using: &generator))
        case 4: return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            var object: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &generator) {
                object[randomString(using: &generator)] = randomValue(depth: depth + 1, using: &generator)
            }
            return .object(object)
        }
    }

    static func randomString(using generator: inout SeededGenerator) -> String {
        let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1F}", "é", "中", "😀", "\u{7F}", "\u{2028}"]
        return String((0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

/// A deterministic generator (SplitMix64), so a failing value can be found again.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
