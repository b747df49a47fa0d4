using System;
using Uffd;

namespace Corpus.ModeFromConstants;

/// <summary>Settings shared by several regions live in one place.</summary>
internal static class RegionDefaults
{
    public const FaultMode TrackedMode = FaultMode.Missing | FaultMode.WriteProtect;
    public const int Pages = 1 << 10;
    public const int Threads = 2;
}

[FaultRegion(Mode = RegionDefaults.TrackedMode, Pages = RegionDefaults.Pages, HandlerThreads = RegionDefaults.Threads)]
internal sealed partial class Ledger
{
    private int _writes;

    public int Writes => _writes;

    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private void Count(in PageFaultContext context) => System.Threading.Interlocked.Increment(ref _writes);
}
