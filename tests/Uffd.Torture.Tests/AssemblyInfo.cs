// Each test runs a child that keeps both cores busy (workers, handlers, a GC every millisecond): one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
