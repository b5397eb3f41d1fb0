import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import ZixlyCore
import ZixlyTesting
@testable import ZixlyArtifacts

@Suite("S3ArtifactStore against moto's S3 server", .serialized)
struct S3ArtifactStoreTests {
    static func store(_ moto: MotoServer, bucket: String = "zixly-\(UUID().uuidString.prefix(8).lowercased())", prefix: String = "zixly") -> S3ArtifactStore {
        S3ArtifactStore(configuration: .init(
            bucket: bucket, prefix: prefix, region: "eu-west-3", endpoint: moto.endpoint,
            credentials: .init(accessKeyID: "test", secretAccessKey: "test")))
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

    @Test("a presigned URL downloads without credentials")
    func presigned() async throws {
        let moto = try await MotoServer()
        let store = Self.store(moto)
        try await store.createBucket()
        try await store.put(Data("{\"best\":1}".utf8), at: "results/j/r.json", contentType: "application/json")
        let url = try store.presignedURL(for: "results/j/r.json")
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
            S3ArtifactStore(configuration: .init(
                bucket: "zixly-verified", prefix: "zixly", region: "us-east-1", endpoint: moto.endpoint,
                credentials: .init(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey)))
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
