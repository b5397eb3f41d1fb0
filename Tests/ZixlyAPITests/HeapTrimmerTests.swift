import Foundation
import Testing
import ZixlyApp

@Suite("Heap trimmer")
struct HeapTrimmerTests {
    /// This process's resident anonymous memory, in MiB (`RssAnon` of /proc/self/status).
    static func anonymousMiB() throws -> Double {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("RssAnon:") })
        return Double(line.split(separator: " ", omittingEmptySubsequences: true)[1]).map { $0 / 1024 } ?? 0
    }

    @Test("memory a large job freed goes back to the system at the next trim")
    func trimReturnsFreedHeap() throws {
        // 200,000 small blocks (200 MiB), touched, then freed: glibc keeps them for reuse.
        var blocks: [UnsafeMutableRawPointer] = []
        for _ in 0..<200_000 {
            let block = try #require(malloc(1024))
            memset(block, 1, 1024)
            blocks.append(block)
        }
        for block in blocks.dropFirst() { free(block) }  // the first stays, as a live allocation would
        let kept = try Self.anonymousMiB()
        HeapTrimmer.trim()
        let trimmed = try Self.anonymousMiB()
        free(blocks[0])
        #expect(kept - trimmed > 100, "resident anonymous memory \(kept) MiB before the trim, \(trimmed) MiB after")
    }
}
