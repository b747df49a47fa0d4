using System;
using Uffd.Benchmarks.Regions;

namespace Uffd.Benchmarks.Scenarios;

/// <summary>The checks every managed scenario's <c>Finish</c> makes, so a fast wrong result never becomes a figure.</summary>
internal static class RegionChecks
{
    /// <summary>Every page holds <paramref name="expected"/> from byte 0 to the end.</summary>
    public static unsafe void AllBytes(nint start, long length, byte expected, string scenario)
    {
        // Only called once every page is resolved: no access here can fault, so a plain span is safe.
        var bytes = new ReadOnlySpan<byte>((void*)start, checked((int)length));
        int wrong = bytes.IndexOfAnyExcept(expected);
        if (wrong >= 0)
        {
            throw new InvalidOperationException($"{scenario}: byte {wrong} is 0x{bytes[wrong]:x2}, expected 0x{expected:x2}.");
        }
    }

    public static void Equal(long expected, long actual, string what, string scenario)
    {
        if (expected != actual)
        {
            throw new InvalidOperationException($"{scenario}: {what} was {actual}, expected {expected}.");
        }
    }

    public static void FilledOnce(IBenchmarkRegion region, long pages, string scenario)
    {
        Equal(pages, region.Statistics.PagesFilled, "pages filled", scenario);
        Equal(0, region.Statistics.ProviderErrors, "provider errors", scenario);
    }
}
