import Foundation
import Testing
import ZixlyCore
import ZixlyTesting

@testable import ZixlyArtifacts

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("S3ArtifactStore against moto's S3 server", .serialized)
struct S3ArtifactStoreTests {
    static func store(_ moto: MotoServer, bucket: String = "zixly-\(UUID().uuidString.prefix(8).lowercased())", prefix: String = "zixly")
        -> S3ArtifactStore
    {
        S3ArtifactStore(
            configuration: .init(
                bucket: bucket, prefix: prefix, region: "eu-west-3", endpoint: moto.endpoint,
                credentials: SigV4Signer.Credentials(accessKeyID: "test", secretAccessKey: "test")))
    }

    @Test("put, get, overwrite, list by prefix, and a missing key")
    func roundTrip() async throws {
        let moto = try await MotoServer()
        let store = Self.store(moto)
        try await store.createBucket()
        try await store.put(Data("one".utf8), at: "results/job 1/run.json", contentType: "application/json")
        try await store.put(Data("two".utf8), at: "results/job-2/été.json", contentType: "application/json")
        try await store.put(Data("three".utf8), at: "other/x.json", contentType: "application/json")
        #expect(try await store.get("results/job 1/run.json") == Data("one".utf8))
        try await store.put(Data("uno".utf8), at: "results/job 1/run.json", contentType: "application/json")
        #expect(try await store.get("results/job 1/run.json") == Data("uno".utf8))
        #expect(try await store.get("results/job-2/été.json") == Data("two".utf8))
        #expect(try await store.get("results/none.json") == nil)
        #expect(try await store.list(prefix: "results/") == ["results/job 1/run.json", "results/job-2/été.json"])
        await #expect(throws: InvalidArtifactKey.self) { try await store.put(Data(), at: "../escape", contentType: "text/plain") }
    }

    @Test("listing follows continuation tokens past 1,000 keys")
    func pagination() async throws {
        let moto = try await MotoServer()
        let store = Self.store(moto, prefix: "")
        try await store.createBucket()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<1_003 {
                if index >= 16 { try await group.next() }
                group.addTask { try await store.put(Data("\(index)".utf8), at: String(format: "k/%04d", index), contentType: "text/plain") }
            }
            try await group.waitForAll()
        }
        let keys = try await store.list(prefix: "k/")
        #expect(keys.count == 1_003 && keys.first == "k/0000" && keys.last == "k/1002")
    }

    @Test("IRSA: credentials come from STS AssumeRoleWithWebIdentity with the token file's token, once for many requests")
    func webIdentity() async throws {
        let moto = try await MotoServer()
        let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("zixly-token-\(UUID().uuidString)")
        try Data("eyJhbGciOiJSUzI1NiJ9.test-projected-token.sig\n".utf8).write(to: tokenFile)
        defer { try? FileManager.default.removeItem(at: tokenFile) }
        let provider = WebIdentityCredentials(
            roleARN: "arn:aws:iam::123456789012:role/zixly-production-app", tokenFile: tokenFile, sessionName: "zixly-test",
            region: "eu-west-3", endpoint: moto.endpoint)
        // Requests that start together share one exchange.
        let together = try await withThrowingTaskGroup(of: SigV4Signer.Credentials.self) { group in
            for _ in 0..<8 { group.addTask { try await provider.credentials(now: Date()) } }
            return try await group.reduce(into: [String]()) { $0.append($1.accessKeyID) }
        }
        #expect(Set(together).count == 1)
        let credentials = try await provider.credentials(now: Date())
        #expect(credentials.accessKeyID.hasPrefix("ASIA") && credentials.sessionToken?.isEmpty == false)
        let store = S3ArtifactStore(
            configuration: .init(
                bucket: "zixly-irsa-\(UUID().uuidString.prefix(8).lowercased())", region: "eu-west-3", endpoint: moto.endpoint, credentials: provider)
        )
        try await store.createBucket()
        try await store.put(Data("r".utf8), at: "results/a.json", contentType: "application/json")
        #expect(try await store.get("results/a.json") == Data("r".utf8))
        #expect(try await store.list(prefix: "results/") == ["results/a.json"])
        #expect(await provider.exchanges == 1, "the credentials are reused until shortly before they expire")
        // An hour later they are within five minutes of expiring: STS is asked again.
        _ = try await provider.credentials(now: Date().addingTimeInterval(3_400))
        #expect(await provider.exchanges == 2)

        let missing = WebIdentityCredentials(
            roleARN: "arn:aws:iam::123456789012:role/x", tokenFile: URL(fileURLWithPath: "/nonexistent/token"), sessionName: "s",
            region: "eu-west-3", endpoint: moto.endpoint)
        let failing = S3ArtifactStore(configuration: .init(bucket: "zixly-none", region: "eu-west-3", endpoint: moto.endpoint, credentials: missing))
        do {
            _ = try await failing.get("a.json")
            Issue.record("a missing token file must fail")
        } catch {
            #expect("\(error)".contains("/nonexistent/token") && "\(error)".contains("NoCredentials"), "\(error)")
        }
    }

    @Test("a presigned URL downloads without credentials")
    func presigned() async throws {
        let moto = try await MotoServer()
        let store = Self.store(moto)
        try await store.createBucket()
        try await store.put(Data("{\"best\":1}".utf8), at: "results/j/r.json", contentType: "application/json")
        let url = try await store.presignedURL(for: "results/j/r.json")
        #expect(url.query?.contains("X-Amz-Signature=") == true)
        let (data, response) = try await URLSession.shared.data(from: url)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(data == Data("{\"best\":1}".utf8))
    }

    @Test("a missing bucket is a clear error naming S3's code")
    func missingBucket() async throws {
        let moto = try await MotoServer()
        let store = Self.store(moto, bucket: "does-not-exist")
        do {
            try await store.put(Data("x".utf8), at: "a.json", contentType: "application/json")
            Issue.record("expected an error")
        } catch let error as S3Error {
            #expect(error.status == 404 && error.code == "NoSuchBucket")
            #expect("\(error)".contains("NoSuchBucket"))
        }
    }

    @Test("with authentication on, moto verifies our SigV4 signatures; a wrong secret or unknown key is a clear error")
    func verifiedSignatures() async throws {
        let moto = try await MotoServer(authenticated: true)
        let (id, secret) = try #require(moto.credentials)
        func store(_ accessKeyID: String, _ secretAccessKey: String) -> S3ArtifactStore {
            S3ArtifactStore(
                configuration: .init(
                    bucket: "zixly-verified", prefix: "zixly", region: "us-east-1", endpoint: moto.endpoint,
                    credentials: SigV4Signer.Credentials(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey)))
        }
        let good = store(id, secret)
        try await good.createBucket()
        try await good.put(Data("signed".utf8), at: "results/j/r.json", contentType: "application/json")
        #expect(try await good.get("results/j/r.json") == Data("signed".utf8))
        #expect(try await good.list(prefix: "results/") == ["results/j/r.json"])
        // (moto's authentication reads only the Authorization header: a presigned URL, botocore's
        // own included, gets a 500 from it, so presigning is checked against botocore instead.)

        for (store, code) in [(store(id, "not-the-secret"), "SignatureDoesNotMatch"), (store("AKIAUNKNOWNKEY000000", secret), "InvalidAccessKeyId")] {
            do {
                try await store.put(Data("x".utf8), at: "a.json", contentType: "application/json")
                Issue.record("expected \(code)")
            } catch let error as S3Error {
                #expect(error.status == 403 && error.code == code, "\(error)")
                #expect("\(error)".contains(code) && !"\(error)".contains(secret))
            }
        }
    }
}
