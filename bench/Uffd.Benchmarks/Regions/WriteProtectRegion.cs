using System.Threading;

namespace Uffd.Benchmarks.Regions;

/// <summary>Dirty tracking, as in the Checkpoint sample: each first write to a protected page is counted.</summary>
[FaultRegion(Mode = FaultMode.WriteProtect)]
public sealed partial class DirtyTrackingRegion : IBenchmarkRegion
{
    private long writes;

    public long Writes => Volatile.Read(ref writes);

    [WriteHandler]
    private void OnWrite(long pageIndex) => Interlocked.Increment(ref writes);
}
