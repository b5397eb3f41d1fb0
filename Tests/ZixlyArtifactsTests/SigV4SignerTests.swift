import Foundation
import Testing
import ZixlyTesting

@testable import ZixlyArtifacts

/// moto's S3 server does not check signatures, so the signer is checked against botocore's.
@Suite("SigV4 against botocore's signer")
struct SigV4SignerTests {
    static let script = PythonTools.packageRoot.appendingPathComponent("Tests/ZixlyArtifactsTests/Python/botocore_sign.py").path
    static let signer = SigV4Signer(
        credentials: .init(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), region: "eu-west-3")
    static let date = Date(timeIntervalSince1970: 1_795_694_400)  // 2026-11-26T12:00:00Z
    static let timestamp = "20261126T120000Z"

    static func botocore(_ arguments: [String]) throws -> String {
        let python = try PythonTools.python(modules: ["botocore"], packages: ["botocore"])
        let result = try Subprocess.run(python, [script] + arguments)
        guard result.status == 0 else { throw PythonToolsError(result.output) }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(
        "Authorization headers match botocore's",
        arguments: [
            ("PUT", "https://zixly.s3.eu-west-3.amazonaws.com/results/job-1/run%201.json", "hello"),
            ("GET", "http://127.0.0.1:5000/zixly/results/a/b.json", ""),
            ("GET", "http://127.0.0.1:5000/zixly?list-type=2&prefix=results%2Fjob%20x%2F&continuation-token=abc%2B%3D", ""),
            ("PUT", "http://127.0.0.1:5000/zixly/%C3%A9t%C3%A9/caf%C3%A9.json", "{\"a\":1}"),
        ])
    func header(method: String, url: String, body: String) throws {
        let target = URL(string: url)!
        let payload = SigV4Signer.hash(Data(body.utf8))
        let ours = Self.signer.sign(
            method: method, url: target, headers: ["host": SigV4Signer.host(target), "content-type": "application/json"],
            payloadHash: payload, date: Self.date)
        let theirs = try Self.botocore(["header", method, url, body, Self.timestamp, "eu-west-3", "content-type=application/json"])
        #expect(ours["authorization"] == theirs)
    }

    @Test("presigned URLs match botocore's")
    func presigned() throws {
        let url = URL(string: "http://127.0.0.1:5000/zixly/results/job-1/run.json")!
        let ours = Self.signer.presignedURL(url: url, expires: 900, date: Self.date)
        let theirs = try Self.botocore(["presign", "GET", url.absoluteString, "900", Self.timestamp, "eu-west-3"])
        func signature(_ text: String) -> String? {
            URLComponents(string: text)?.queryItems?.first { $0.name == "X-Amz-Signature" }?.value
        }
        #expect(signature(ours.absoluteString) != nil)
        #expect(signature(ours.absoluteString) == signature(theirs), "ours \(ours)\ntheirs \(theirs)")
    }
}
