#if canImport(Glibc)
    import Glibc
#endif

/// The clocks of the benchmarks: best wall time of several runs, and the process CPU time of a run.
package enum BenchmarkTimer {
    /// Best wall time in seconds of `repetitions` runs of `body` (at least one).
    package static func best(of repetitions: Int, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        var bestSeconds = Double.infinity
        for _ in 0..<max(1, repetitions) {
            let elapsed = clock.measure(body)
            bestSeconds = min(
                bestSeconds, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        return bestSeconds
    }

    /// Best wall time in seconds of `repetitions` runs after one untimed run, and the CPU time (user + system of
    /// the whole process, all threads) of that best run, at least 1 ns.
    package static func bestWithCPU(of repetitions: Int, _ body: () -> Void) -> (wall: Double, cpu: Double) {
        body()
        var best = (wall: Double.infinity, cpu: Double.infinity)
        for _ in 0..<max(1, repetitions) {
            let (wall0, cpu0) = (wallSeconds(), processCPUSeconds())
            body()
            let (wall, cpu) = (wallSeconds() - wall0, processCPUSeconds() - cpu0)
            if wall < best.wall { best = (wall, max(cpu, 1e-9)) }
        }
        return best
    }

    /// Seconds on the monotonic clock.
    package static func wallSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// User + system time of the whole process (all threads), in seconds.
    package static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
        return user + system
    }
}
