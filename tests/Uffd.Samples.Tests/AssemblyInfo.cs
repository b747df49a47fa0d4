// Samples drive real faults with their own handler threads on a 2-core machine: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
