import Foundation
public import Hummingbird
public import ZixlyCore

extension JSONValue {
    /// A JSON response with this value as its body.
    func response(_ status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: jsonText())))
    }

}

extension Parameters {
    /// The `{id}` path parameter as a job id; 404 when it is not a UUID (no such job can exist).
    public func jobID() throws -> JobID {
        guard let text = get("id"), let id = JobID(validating: text) else { throw APIError.notFound("job") }
        return id
    }
}
