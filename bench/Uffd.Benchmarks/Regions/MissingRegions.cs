using System;

namespace Uffd.Benchmarks.Regions;

// MISSING regions, one class per configuration: the attribute's arguments are constants, as a user writes them.
// Each provider fills the whole page, so the measured cost includes the provider, as in any real region.

/// <summary>The default strategy: the process's shared dispatcher, one handler per CPU, each pinned to its CPU.</summary>
[FaultRegion]
public sealed partial class PinnedPerCpuRegion : IBenchmarkRegion
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(Patterns.Fill);
}

/// <summary>One handler thread (pinned to the first allowed CPU).</summary>
[FaultRegion(HandlerThreads = 1)]
public sealed partial class OneHandlerRegion : IBenchmarkRegion
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(Patterns.Fill);
}

/// <summary>Two handler threads, whatever the CPU count (the threads scenarios' second configuration).</summary>
[FaultRegion(HandlerThreads = 2)]
public sealed partial class TwoHandlersRegion : IBenchmarkRegion
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(Patterns.Fill);
}

/// <summary>16 pages of read-ahead: every fault fills 17 pages with one multi-page copy.</summary>
[FaultRegion(ReadAhead = 16)]
public sealed partial class ReadAhead16Region : IBenchmarkRegion
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(Patterns.Fill);
}

/// <summary>64 pages of read-ahead.</summary>
[FaultRegion(ReadAhead = 64)]
public sealed partial class ReadAhead64Region : IBenchmarkRegion
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(Patterns.Fill);
}

/// <summary>256 pages of read-ahead.</summary>
[FaultRegion(ReadAhead = 256)]
public sealed partial class ReadAhead256Region : IBenchmarkRegion
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(Patterns.Fill);
}

// The same scans with providers that declare they write every byte, so the engine skips zeroing the staging buffer:
// the work a C handler copying from a ready source does, and the figure the same-strategy comparison uses.

/// <summary>No read-ahead, whole-page provider.</summary>
[FaultRegion]
public sealed partial class WholePageRegion : IBenchmarkRegion
{
    [PageProvider(WritesWholePage = true)]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(Patterns.Fill);
}

/// <summary>16 pages of read-ahead, whole-page provider.</summary>
[FaultRegion(ReadAhead = 16)]
public sealed partial class WholePageReadAhead16Region : IBenchmarkRegion
{
    [PageProvider(WritesWholePage = true)]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(Patterns.Fill);
}

/// <summary>64 pages of read-ahead, whole-page provider.</summary>
[FaultRegion(ReadAhead = 64)]
public sealed partial class WholePageReadAhead64Region : IBenchmarkRegion
{
    [PageProvider(WritesWholePage = true)]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(Patterns.Fill);
}

/// <summary>256 pages of read-ahead, whole-page provider.</summary>
[FaultRegion(ReadAhead = 256)]
public sealed partial class WholePageReadAhead256Region : IBenchmarkRegion
{
    [PageProvider(WritesWholePage = true)]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(Patterns.Fill);
}
