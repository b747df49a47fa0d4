using System;

namespace Uffd.Benchmarks.Regions;

/// <summary>
/// Minor faults on shared memory: the page is already in the page cache (written through the alias), the provider
/// sees it in place and leaves it as it is, and the engine maps it with CONTINUE.
/// </summary>
[FaultRegion(Mode = FaultMode.Minor)]
public sealed partial class MinorRegion : IBenchmarkRegion
{
    [PageProvider]
    private static void Inspect(long pageIndex, Span<byte> page)
    {
        // Nothing to change: the cost measured is the minor-fault round trip itself.
    }
}
