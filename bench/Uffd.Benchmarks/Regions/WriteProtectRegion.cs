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

/// <summary>
/// Dirty tracking left to the kernel (<c>UFFD_FEATURE_WP_ASYNC</c>): a write to a protected page unprotects it without
/// a message, and <c>CollectWrittenPages</c> reports the written pages and protects them again in one walk.
/// </summary>
[FaultRegion(Mode = FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous)]
public sealed partial class AsynchronousTrackingRegion : IBenchmarkRegion
{
}
