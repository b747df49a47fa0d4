using System;

namespace Uffd.Benchmarks.Regions;

/// <summary>
/// The generated accessors the span-access scenarios compare: a span made present before it is returned, against a
/// native copy that takes the fault inside it. Declared on the user's half, as <see cref="IBenchmarkRegion"/> is.
/// </summary>
internal interface ISpanAccessRegion : IBenchmarkRegion
{
    Span<byte> AsSpan(long offset, int length);

    ReadOnlySpan<byte> AsReadOnlySpan(long offset, int length);

    void Read(long offset, Span<byte> destination);

    void Prefault(long offset, long length, bool write = false);
}

// The default strategy (one handler pinned per CPU) with a provider that writes whole pages, as the C handler does.

/// <summary>No read-ahead: every access to a fresh page is one fault round trip.</summary>
[FaultRegion]
public sealed partial class SpanAccessRegion : ISpanAccessRegion
{
    [PageProvider(WritesWholePage = true)]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(Patterns.Fill);
}

/// <summary>
/// The same, with a provider that returns <see cref="PageFill"/> and so may poison a page: its spans make pages present
/// with MADV_POPULATE_READ (a poisoned page is then an error code, not a SIGBUS) instead of a native read per page.
/// </summary>
[FaultRegion]
public sealed partial class SpanAccessPopulateRegion : ISpanAccessRegion
{
    [PageProvider(WritesWholePage = true)]
    private static PageFill Fill(long pageIndex, Span<byte> page)
    {
        page.Fill(Patterns.Fill);
        return PageFill.Filled;
    }
}

/// <summary>The populate variant with 16 pages of read-ahead.</summary>
[FaultRegion(ReadAhead = 16)]
public sealed partial class SpanAccessPopulateReadAhead16Region : ISpanAccessRegion
{
    [PageProvider(WritesWholePage = true)]
    private static PageFill Fill(long pageIndex, Span<byte> page)
    {
        page.Fill(Patterns.Fill);
        return PageFill.Filled;
    }
}

/// <summary>16 pages of read-ahead: a fault fills 17 pages, and the next 16 accesses find them present.</summary>
[FaultRegion(ReadAhead = 16)]
public sealed partial class SpanAccessReadAhead16Region : ISpanAccessRegion
{
    [PageProvider(WritesWholePage = true)]
    private static void Fill(long pageIndex, Span<byte> page) => page.Fill(Patterns.Fill);
}
