import Foundation
import HTTPTypes
import Testing
import ZixlyAPI

@Suite("Sign-in throttle and password hasher")
struct SignInThrottleTests {
    static func throttle(account: Int = 3, address: Int = 5, maxTracked: Int = 10_000) -> SignInThrottle {
        var configuration = SignInThrottle.Configuration()
        configuration.accountFreeFailures = account
        configuration.addressFreeFailures = address
        configuration.firstDelay = .seconds(1)
        configuration.maxDelay = .seconds(8)
        configuration.maxTracked = maxTracked
        return SignInThrottle(configuration: configuration)
    }

    @Test("an account locks after its free failures, for 1, 2, 4 … s up to the maximum; a success clears it")
    func accountLocks() {
        let throttle = Self.throttle()
        let grace = SignInThrottle.Attempt(account: "grace", address: "10.1.1.1")
        var now = Date(timeIntervalSince1970: 1_000_000)
        for _ in 0..<3 {
            #expect(throttle.wait(before: grace, now: now) == nil)
            throttle.recordFailure(grace, now: now)
        }
        throttle.recordFailure(grace, now: now)  // the 4th failure: locked 1 s
        #expect(throttle.wait(before: grace, now: now) == 1)
        let fromElsewhere = SignInThrottle.Attempt(account: "grace", address: "10.9.9.9")
        #expect(throttle.wait(before: fromElsewhere, now: now) == 1, "the account is locked from every address")
        now += 1
        #expect(throttle.wait(before: grace, now: now) == nil)
        var delays: [TimeInterval] = []
        for _ in 0..<5 {
            throttle.recordFailure(fromElsewhere, now: now)
            delays.append(throttle.wait(before: fromElsewhere, now: now) ?? 0)
        }
        #expect(delays == [2, 4, 8, 8, 8], "doubling, up to the maximum")
        throttle.recordSuccess(fromElsewhere)
        #expect(throttle.wait(before: fromElsewhere, now: now) == nil)
    }

    @Test("an address locks after its own free failures, whatever names it tries; other addresses are untouched")
    func addressLocks() {
        let throttle = Self.throttle(account: 100, address: 5)
        let now = Date(timeIntervalSince1970: 1_000_000)
        for index in 0..<6 { throttle.recordFailure(.init(account: "user\(index)", address: "10.0.0.7"), now: now) }
        #expect(throttle.wait(before: .init(account: "someone-new", address: "10.0.0.7"), now: now) == 1)
        #expect(throttle.wait(before: .init(account: "someone-new", address: "10.0.0.8"), now: now) == nil)
        #expect(throttle.wait(before: .init(account: nil, address: "10.0.0.7"), now: now) == 1, "API-key sign-ins count per address")
    }

    @Test("memory is bounded: past the cap the stalest keys go")
    func bounded() {
        let throttle = Self.throttle(maxTracked: 100)
        let start = Date(timeIntervalSince1970: 1_000_000)
        for index in 0..<1_000 {
            throttle.recordFailure(.init(account: nil, address: "10.0.\(index / 256).\(index % 256)"), now: start + Double(index))
        }
        #expect(throttle.trackedCount <= 100)
    }

    @Test("the hasher runs at most its concurrency at once and refuses, with 429, past its queue")
    func hasherBounds() async throws {
        var configuration = PasswordHasher.Configuration()
        configuration.concurrency = 1
        configuration.maxWaiting = 2
        configuration.logN = 13
        let hasher = PasswordHasher(configuration: configuration)
        let stored = try Passwords.hash("a long passphrase", logN: 12)
        let outcomes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    do {
                        guard case .match(let rehashed) = try await hasher.verify("a long passphrase", against: stored) else { return "mismatch" }
                        return rehashed.map { Passwords.needsRehash($0, logN: 13) ? "weak rehash" : "match" } ?? "not rehashed"
                    } catch let error as APIError {
                        return "\(error.status.code) \(error.headers[.retryAfter] ?? "")"
                    } catch {
                        return "\(error)"
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        // One runs, two wait, five are refused at once (the first finishes long after they ask).
        #expect(outcomes.filter { $0 == "429 1" }.count >= 4, "\(outcomes)")
        #expect(
            outcomes.allSatisfy { $0 == "429 1" || $0 == "match" } && outcomes.contains("match"), "matches come with a stronger hash: \(outcomes)")
        #expect(try await hasher.verify("wrong", against: nil) == .mismatch, "no user: checked against the decoy")
    }
}
