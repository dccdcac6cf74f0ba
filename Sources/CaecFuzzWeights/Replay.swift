// A normal build replays the files named on the command line (FuzzReplay); the fuzzing build (-DFUZZING)
// leaves main to libFuzzer.
#if !FUZZING
    import CaecFuzzing

    @main
    struct ReplayWeights {
        static func main() { FuzzReplay.main(FuzzTargets.weights) }
    }
#endif
