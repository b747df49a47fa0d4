using System;
using Uffd.Regions;

namespace Uffd.Benchmarks.Regions;

/// <summary>
/// The generated members every benchmark region shares. The generator adds them as public members; declaring the
/// interface on the user's half lets one scenario drive any region.
/// </summary>
internal interface IBenchmarkRegion : IDisposable
{
    void Open(long pages);

    nint BaseAddress { get; }

    int PageSize { get; }

    FaultRegionStatistics Statistics { get; }
}

/// <summary>The bytes the benchmarks put in pages, the same as the C reference's.</summary>
internal static class Patterns
{
    /// <summary>What every filled page holds (the C reference copies 0xA5 pages too).</summary>
    public const byte Fill = 0xA5;

    /// <summary>What the write-protect scenarios populate pages with, before the timed writes.</summary>
    public const byte Populated = 0x11;

    /// <summary>What the write-protect scenarios write, one byte per page.</summary>
    public const byte Written = 0x22;
}
