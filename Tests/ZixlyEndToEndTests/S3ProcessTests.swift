import AsyncHTTPClient
import Foundation
import Testing
import ZixlyArtifacts
import ZixlyCore
import ZixlyTesting

#if canImport(Glibc)
    import Glibc
    import NIOHTTP1
    import NIOCore
#endif

/// `zixly up` with its artifacts in an S3 bucket (moto's server).
@Suite("zixly with S3 artifacts", .serialized)
struct S3ProcessTests {
    @Test("results land in the bucket; the API hands out a presigned download; a missing bucket stops start-up in one line")
    func sweepToS3() async throws {
        let moto = try await MotoServer()
        let directory = try TemporaryDirectory.make()
        let bucket = "zixly-e2e"
        let environment = [
            "ZIXLY_ARTIFACTS_URL": "s3://\(bucket)/prod", "ZIXLY_S3_ENDPOINT": moto.endpoint.absoluteString,
            "AWS_REGION": "eu-west-3", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
        ]
        let (status, _, errors) = try await ZixlyProcess.run(
            ["up"], environment: ProcessTests.environment(directory, extra: environment), directory: directory)
        #expect(
            status == 2 && errors.split(separator: "\n").count == 1 && errors.contains("ZIXLY_ARTIFACTS_URL") && errors.contains("NoSuchBucket"),
            "\(errors)")

        let store = S3ArtifactStore(
            configuration: .init(
                bucket: bucket, prefix: "prod", region: "eu-west-3", endpoint: moto.endpoint,
                credentials: SigV4Signer.Credentials(accessKeyID: "test", secretAccessKey: "test")))
        try await store.createBucket()
        let up = try await ProcessTests.start("up", in: directory, extra: environment)
        let body = #"{"ticker":"GOOG","fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10}"#
        let id = try #require(try await HTTP.signedWebhook(up.baseURL, body: body, secret: ProcessTests.secret).json["job_id"]?.stringValue)
        let job = try await HTTP.waitForJob(up.baseURL, id, timeout: .seconds(60)) {
            ["completed", "failed"].contains($0["status"]?.stringValue ?? "")
        }
        #expect(job["status"] == "completed", "\(job.jsonText())")
        let key = try #require(job["result_summary"]?["artifact_key"]?.stringValue)
        #expect(try await store.list(prefix: "results/\(id)/") == [key])

        var request = HTTPClientRequest(url: up.baseURL + "/api/pipelines/\(id)/artifact")
        request.headers.add(name: "Authorization", value: "Bearer \(ProcessTests.adminKey)")
        let noRedirects = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        let redirect = try await noRedirects.execute(request, timeout: .seconds(30))
        try await noRedirects.shutdown()
        #expect(redirect.status.code == 307)
        let location = try #require(redirect.headers.first(name: "location"))
        #expect(location.hasPrefix(moto.endpoint.absoluteString + "/\(bucket)/prod/results/") && location.contains("X-Amz-Signature="))
        let downloaded = try await HTTPClient.shared.execute(HTTPClientRequest(url: location), timeout: .seconds(30))
        #expect(downloaded.status.code == 200)
        let artifact = try JSONDecoder().decode(JSONValue.self, from: Data((try await downloaded.body.collect(upTo: 16 << 20)).readableBytesView))
        #expect(artifact["job_id"]?.stringValue == id)
        up.signal(SIGTERM)
        #expect(await up.waitForExit(timeout: .seconds(30)) == 0)
    }
}
