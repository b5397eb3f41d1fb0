public import Foundation

/// A plain-text email, rendered as RFC 5322 with MIME headers (UTF-8 subject as an encoded word,
/// base64 body, so no 8BITMIME extension is needed).
public struct EmailMessage: Sendable, Equatable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var body: String

    public init(from: String, to: [String], subject: String, body: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
    }

    /// The DATA payload with CRLF line ends (dot-stuffing is the client's job).
    public func rendered(date: Date, messageID: String) -> String {
        let subjectHeader = subject.allSatisfy(\.isASCII) ? subject : "=?UTF-8?B?\(Data(subject.utf8).base64EncodedString())?="
        let encodedBody = Data(body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return [
            "From: \(from)", "To: \(to.joined(separator: ", "))", "Subject: \(subjectHeader)", "Date: \(formatter.string(from: date))",
            "Message-ID: <\(messageID)>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64", "", encodedBody,
        ].joined(separator: "\r\n")
    }
}
