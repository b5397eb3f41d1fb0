import Foundation
import Logging
import StandardWebhooks
import Testing
import ZixlyCore
import ZixlyNotify
import ZixlyQueue
import ZixlyTesting

@Suite("Outbound webhooks delivered to a receiver that verifies with the reference library")
struct WebhookDeliveryTests {
    static let secret = WebhookSecret.generate().serialized
    /// The tests' receivers listen on loopback, which deliveries may reach only when allowed.
    static let loopbackAllowed = OutboundAddressPolicy(allowed: [CIDR("127.0.0.0/8")!])

    @Test("the sender refuses internal addresses where it dials, whatever the URL's spelling; an allowed range goes through")
    func refusesInternalAddresses() async throws {
        let receiver = try WebhookReceiver(secret: Self.secret)
        let strict = HTTPWebhookSender(timeout: .seconds(5), userAgent: "test")
        let port = receiver.port
        for url in [
            receiver.url("/a"), "http://localhost:\(port)/b", "http://2130706433:\(port)/c", "http://0177.0.0.1:\(port)/d",
            "http://127.1:\(port)/e", "http://[::ffff:127.0.0.1]:\(port)/f", "http://[::1]:\(port)/g",
        ] {
            let response = await strict.post(url: url, headers: [:], body: "{}")
            #expect(response.statusCode == nil && response.error?.contains("refused") == true, "\(url): \(response)")
        }
        #expect(try receiver.requests().isEmpty, "nothing reached the receiver")
        let allowed = await HTTPWebhookSender(timeout: .seconds(5), userAgent: "test", policy: Self.loopbackAllowed)
            .post(url: receiver.url("/ok"), headers: [:], body: "{}")
        #expect(allowed.statusCode != nil && allowed.error?.contains("refused") != true, "\(allowed)")
        #expect(try receiver.requests(path: "/ok").count == 1)
    }

    /// A finished job whose event the database fanned out to endpoints at `paths` of `receiver`
    /// (plus `extra` URLs), each delivery with its job in the webhooks queue.
    struct Setup {
        let stores: TestStores
        let job: Job
        let endpoints: [String: WebhookEndpoint]
    }

    static func setUp(receiver: WebhookReceiver, paths: [String], extra: [String: String] = [:]) async throws -> Setup {
        let stores = try await TestStores.make(.sqlite)
        var endpoints: [String: WebhookEndpoint] = [:]
        let urls = Dictionary(uniqueKeysWithValues: paths.map { ($0, receiver.url($0)) }).merging(extra) { $1 }
        for (name, url) in urls {
            let endpoint = WebhookEndpoint(
                id: WebhookIDs.endpoint(), tenant: NewJob.defaultTenant, url: url, events: [.jobCompleted], secret: secret,
                description: name, createdAt: Date())
            try await stores.webhooks.createEndpoint(endpoint)
            endpoints[name] = endpoint
        }
        let factory = JobFactory(store: stores.jobs, clock: ManualClock(Date()))
        let running = try await factory.running(JobFactory.newJob(type: "trading_sweep", parameters: ["ticker": "GOOG"]))
        #expect(try await stores.jobs.complete(running.lease, summary: ["best": ["sharpe_ratio": 1.2]], now: Date()))
        return Setup(stores: stores, job: try #require(try await stores.jobs.job(running.job.id)), endpoints: endpoints)
    }

    static func worker(_ stores: TestStores, schedule: [Duration], timeout: Duration = .seconds(1)) -> WebhookDeliveryWorker {
        var configuration = WebhookDeliveryWorker.Configuration()
        configuration.retrySchedule = schedule
        configuration.requestTimeout = timeout
        configuration.pool.pollInterval = .milliseconds(20)
        return WebhookDeliveryWorker(
            jobs: stores.jobs, webhooks: stores.webhooks,
            makeSender: { HTTPWebhookSender(timeout: $0, userAgent: "Zixly-Webhooks/test", policy: Self.loopbackAllowed) },
            configuration: configuration, worker: WorkerID("webhooks-test"), logger: Logger(label: "test"))
    }

    /// Runs the worker until every delivery of `endpoints` is final (or `deadline` passes: a
    /// full suite on two loaded cores once took 44 s over a retry schedule that takes 5 s alone).
    static func deliverAll(_ setup: Setup, worker: WebhookDeliveryWorker, deadline: TimeInterval = 90) async throws -> [String: (
        delivery: WebhookDelivery, attempts: [WebhookDeliveryAttempt]
    )] {
        let task = Task { try await worker.run() }
        defer { task.cancel() }  // the pool stops and the worker shuts its sender down
        let started = Date()
        while Date().timeIntervalSince(started) < deadline {
            var found: [String: (delivery: WebhookDelivery, attempts: [WebhookDeliveryAttempt])] = [:]
            for (name, endpoint) in setup.endpoints {
                if let delivery = try await setup.stores.webhooks.deliveries(endpointID: endpoint.id, tenant: endpoint.tenant, limit: 1, offset: 0)
                    .first,
                    delivery.status != .pending
                {
                    found[name] = try await setup.stores.webhooks.delivery(id: delivery.id, tenant: endpoint.tenant)
                }
            }
            if found.count == setup.endpoints.count { return found }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw FactoryError("deliveries still pending after \(deadline) s")
    }

    @Test("a delivery is signed so the reference library verifies it, and carries the job as the API shows it")
    func signedDelivery() async throws {
        let receiver = try WebhookReceiver(secret: Self.secret)
        let setup = try await Self.setUp(receiver: receiver, paths: ["/ok"])
        let results = try await Self.deliverAll(setup, worker: Self.worker(setup.stores, schedule: [.milliseconds(100)]))
        let ok = try #require(results["/ok"])
        #expect(ok.delivery.status == .succeeded && ok.delivery.attempts == 1 && ok.attempts.first?.statusCode == 204)

        let request = try #require(try receiver.requests(path: "/ok").first)
        #expect(request.verified)
        #expect(request.webhookID == ok.delivery.eventID && request.webhookID?.hasPrefix("msg_") == true)
        #expect(request.userAgent == "Zixly-Webhooks/test")
        let body = try JSONValue(jsonText: request.body)
        #expect(body["type"] == "job.completed")
        #expect(body["data"]?["id"]?.stringValue == setup.job.id.rawValue)
        #expect(body["data"]?["status"] == "completed" && body["data"]?["parameters"]?["ticker"] == "GOOG")
        #expect(body["data"]?["metrics"]?["sharpe_ratio"]?.doubleValue == 1.2)
        #expect(body["timestamp"]?.stringValue == ISO8601.string(try #require(setup.job.finishedAt)))
    }

    @Test("failures retry on increasing delays: a flaky endpoint succeeds, dead and slow ones give up after every attempt")
    func retries() async throws {
        let receiver = try WebhookReceiver(secret: Self.secret)
        let schedule: [Duration] = [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800)]
        let setup = try await Self.setUp(receiver: receiver, paths: ["/flaky", "/slow", "/gone"], extra: ["dead": "http://127.0.0.1:9/hook"])
        let results = try await Self.deliverAll(setup, worker: Self.worker(setup.stores, schedule: schedule, timeout: .milliseconds(700)))

        let flaky = try #require(results["/flaky"])
        #expect(flaky.delivery.status == .succeeded && flaky.attempts.map(\.statusCode) == [500, 500, 200])
        #expect(flaky.attempts.first?.responseBody == "not yet" && flaky.attempts.first?.error == "HTTP 500")

        for name in ["/slow", "/gone", "dead"] {
            let result = try #require(results[name])
            #expect(result.delivery.status == .failed, "\(name)")
            #expect(result.attempts.count == schedule.count + 1, "\(name): \(result.attempts.count) attempts")
            // Each retry waited at least its scheduled delay after the attempt before it ended.
            for (index, pair) in zip(result.attempts, result.attempts.dropFirst()).enumerated() {
                let gap = pair.1.attemptedAt.timeIntervalSince(pair.0.attemptedAt.addingTimeInterval(pair.0.durationSeconds))
                #expect(gap >= schedule[index].inSeconds - 0.01, "\(name): gap \(gap) before attempt \(index + 2)")
            }
        }
        #expect(results["/slow"]?.attempts.allSatisfy { $0.statusCode == nil && $0.error == "timed out" } == true)
        #expect(results["/gone"]?.attempts.allSatisfy { $0.statusCode == 410 } == true, "\(results["/gone"]?.attempts ?? [])")
        #expect(results["dead"]?.attempts.allSatisfy { $0.statusCode == nil && $0.error != nil } == true)
        // The slow endpoint held one slot, not the others: the flaky one was done before the slow
        // one's third attempt (sent in batches, they would have gone together).
        let slowThird = try #require(results["/slow"]?.attempts.dropFirst(2).first)
        #expect(try #require(flaky.attempts.last).attemptedAt < slowThird.attemptedAt)
        #expect(try receiver.requests().allSatisfy(\.verified))
        // The job itself is untouched by any of it; each delivery's job ended as its delivery did.
        #expect(try await setup.stores.jobs.job(setup.job.id)?.state == .completed)
        let deliveryJobs = try await setup.stores.jobs.jobs(matching: JobFilter(jobType: "webhook.deliver"), page: PageRequest(limit: 10, offset: 0))
            .items
        #expect(deliveryJobs.count == 4)
        #expect(deliveryJobs.filter { $0.state == .completed }.count == 1 && deliveryJobs.filter { $0.state == .failed }.count == 3)
        #expect(deliveryJobs.filter { $0.state == .failed }.allSatisfy { $0.attempt == schedule.count + 1 })
    }
}
