import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// How many threads the fast kernels may use.
///
/// Kernels split their work into items fixed by the shapes alone (a sample, or a band of output rows of a sample)
/// and hand items to at most `maxWorkers` threads; each item is computed by the same calls whatever the worker
/// count, and partial sums are reduced in item order, so results are bit-identical for any `maxWorkers`.
package enum TensorParallelism {
    /// The worker limit for the current task; defaults to the number of online processors. Override for a scope
    /// with `TensorParallelism.$maxWorkers.withValue(1) { ... }` (task-local, so tests do not disturb each other).
    @TaskLocal package static var maxWorkers: Int = onlineProcessors

    private static let onlineProcessors: Int = {
        #if canImport(Glibc)
            return max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
            return 1
        #endif
    }()

    /// Calls `body(item)` for every item in `0..<items`, on up to `maxWorkers` threads. Worker `w` takes items
    /// `w, w + workers, ...`; `body` must only write memory owned by its item.
    package static func forEach(_ items: Int, _ body: (Int) -> Void) {
        let workers = min(max(1, maxWorkers), items)
        if workers <= 1 {
            for item in 0..<items { body(item) }
            return
        }
        // Items write disjoint memory (the caller's contract), so sharing the non-Sendable body is sound.
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var item = worker
            while item < items {
                body(item)
                item += workers
            }
        }
    }

    /// Elements per block of `forEachBlock`: large enough that a block outweighs handing it to a thread.
    package static let elementBlock = 1 << 14

    /// Calls `body(range)` for consecutive ranges of `elementBlock` elements covering `0..<count` (the last one
    /// shorter), on up to `maxWorkers` threads, as `forEach` does with items. For element-wise loops: the blocks are
    /// fixed by `count` alone, so a block that draws random numbers from a stream seeded by its index draws the same
    /// ones for any worker count.
    package static func forEachBlock(_ count: Int, _ body: (Range<Int>) -> Void) {
        let blocks = (count + elementBlock - 1) / elementBlock
        forEach(blocks) { block in
            body(block * elementBlock..<min(count, (block + 1) * elementBlock))
        }
    }
}
