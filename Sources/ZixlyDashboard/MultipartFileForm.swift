import Foundation
import MultipartKit
import NIOCore

/// A `multipart/form-data` body read as it arrives: the short text fields before its file, then
/// the file's bytes as a stream (a dataset may be gigabytes; nothing holds it whole). A form puts
/// its text fields first, so they are known before the file is read.
final class MultipartFileForm<Body: AsyncSequence> where Body.Element == ByteBuffer {
    /// At most this many text fields, of at most `fieldBytes` each.
    static var maximumFields: Int { 16 }
    static var fieldBytes: Int { 1024 }

    private var body: Body.AsyncIterator
    private let parser: MultipartParser
    private var headers: [String: String] = [:]
    private var fieldValue: [UInt8] = []
    private var inFile = false
    private var fileDone = false
    private var pending: [ByteBuffer] = []
    private var failure: MultipartFormError?
    private(set) var fields: [String: String] = [:]
    private(set) var fileName: String?

    /// nil unless `contentType` is `multipart/form-data` with a boundary.
    init?(_ body: Body, contentType: String) {
        let parameters = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parameters.first?.lowercased() == "multipart/form-data",
            let boundary = parameters.dropFirst().first(where: { $0.lowercased().hasPrefix("boundary=") })?.dropFirst("boundary=".count),
            !boundary.isEmpty, boundary.count <= 200
        else { return nil }
        self.body = body.makeAsyncIterator()
        parser = MultipartParser(boundary: String(boundary).trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
        parser.onHeader = { [unowned self] name, value in headers[name.lowercased()] = value }
        parser.onBody = { [unowned self] buffer in take(&buffer) }
        parser.onPartComplete = { [unowned self] in completePart() }
    }

    /// Reads until the file part begins; its text fields are then in `fields`.
    /// - Throws: `MultipartFormError` when the body ends first or breaks the limits.
    func readFieldsBeforeFile() async throws {
        while !inFile && !fileDone {
            guard try await feedNextChunk() else { throw MultipartFormError("the form has no file") }
        }
    }

    /// The file's bytes, from where `readFieldsBeforeFile` stopped.
    var file: File { File(form: self) }

    struct File: AsyncSequence {
        typealias Element = ByteBuffer
        typealias Failure = any Error
        let form: MultipartFileForm

        struct AsyncIterator: AsyncIteratorProtocol {
            let form: MultipartFileForm
            mutating func next() async throws -> ByteBuffer? { try await form.nextFileChunk() }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(form: form) }
    }

    private func nextFileChunk() async throws -> ByteBuffer? {
        while pending.isEmpty {
            if fileDone { return nil }
            guard try await feedNextChunk() else { throw MultipartFormError("the form ends inside its file") }
        }
        return pending.removeFirst()
    }

    private func feedNextChunk() async throws -> Bool {
        guard let chunk = try await body.next() else { return false }
        do {
            try parser.execute(chunk)
        } catch {
            throw MultipartFormError("the form is not valid multipart/form-data")
        }
        if let failure { throw failure }
        return true
    }

    private func take(_ buffer: inout ByteBuffer) {
        if headers["content-disposition"].flatMap({ Self.parameter("filename", in: $0) }) != nil {
            guard !fileDone else { return }  // a second file is ignored
            if !inFile {
                inFile = true
                fileName = headers["content-disposition"].flatMap { Self.parameter("filename", in: $0) }
            }
            pending.append(buffer)
        } else {
            fieldValue.append(contentsOf: buffer.readableBytesView)
            if fieldValue.count > Self.fieldBytes { failure = MultipartFormError("a form field is longer than \(Self.fieldBytes) bytes") }
        }
    }

    private func completePart() {
        if inFile {
            inFile = false
            fileDone = true
        } else if let name = headers["content-disposition"].flatMap({ Self.parameter("name", in: $0) }), !fileDone {
            fields[name] = String(decoding: fieldValue, as: UTF8.self)
            if fields.count > Self.maximumFields { failure = MultipartFormError("the form has more than \(Self.maximumFields) fields") }
        }
        headers = [:]
        fieldValue = []
    }

    /// `name="value"` out of a Content-Disposition header.
    static func parameter(_ name: String, in disposition: String) -> String? {
        for part in disposition.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let pieces = part.split(separator: "=", maxSplits: 1)
            guard pieces.count == 2, pieces[0].lowercased() == name else { continue }
            return pieces[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }
}

/// What is wrong with an upload form.
struct MultipartFormError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
