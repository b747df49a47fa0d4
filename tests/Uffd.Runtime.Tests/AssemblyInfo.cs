// The suite drives real kernel faults with blocking threads on a 2-core machine: classes run one at a time so a
// test's handler and faulters are not starved by another test's, and timing-sensitive races stay meaningful.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
