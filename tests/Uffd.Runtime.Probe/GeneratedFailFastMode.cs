using System;

namespace Uffd.Runtime.Probe;

/// <summary>
/// A region the source generator emitted in this project's ordinary MSBuild build (not in memory), whose provider
/// throws for page 5 under the FailFast policy. Reads pages 0..5 through the region's GC-safe <c>Read</c>, printing
/// each good page ("page 3 d": its index and its byte, or "mixed") before touching the next: reading page 5 must end
/// the process by Environment.FailFast (SIGABRT), so "survived" is never printed.
/// </summary>
internal static class GeneratedFailFastMode
{
    public static int Run()
    {
        using var region = new GeneratedCrashingRegion();
        region.Open();
        byte[] page = new byte[region.PageSize];
        for (long i = 0; i <= GeneratedCrashingRegion.FailingPage; i++)
        {
            region.Read(i * region.PageSize, page);
            bool uniform = page.AsSpan().IndexOfAnyExcept(page[0]) < 0;
            Program.Print($"page {i} {(uniform ? ((char)page[0]).ToString() : "mixed")}");
        }

        Program.Print("survived");
        return Program.Unexpected;
    }
}

/// <summary>Page i holds the letter 'a' + i; page 5 cannot be produced.</summary>
[FaultRegion(Pages = 8, OnProviderError = ProviderErrorPolicy.FailFast, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class GeneratedCrashingRegion
{
    public const long FailingPage = 5;

    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page)
    {
        if (pageIndex == FailingPage)
        {
            throw new InvalidOperationException("the generated region's backing store lost page 5");
        }

        page.Fill((byte)('a' + pageIndex));
    }
}
