// The end-to-end tests fault real memory with handler threads on a 2-core machine: classes run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
