using System;

namespace Uffd.Benchmarks.Scenarios;

/// <summary>
/// How many pages each scenario faults per run, for both implementations. The full sizes are those of the C
/// reference's own defaults (bench/native); the smoke sizes keep a CI pass to seconds.
/// </summary>
internal static class Sizes
{
    /// <summary>Set to 1 by <c>--smoke</c>; read by BenchmarkDotNet's child processes too, which inherit it.</summary>
    public const string SmokeVariable = "UFFD_BENCH_SMOKE";

    public static bool Smoke => Environment.GetEnvironmentVariable(SmokeVariable) == "1";

    /// <summary>Random single-page round trips (write-protect and minor ones too).</summary>
    public static long RoundTripPages => Smoke ? 256 : 8192;

    /// <summary>
    /// Passes of the present-page span scenarios over their pages: one pass is a few tens of microseconds, too short
    /// to time alone. The C reference's <c>UFFD_REF_TOUCH_PASSES</c> (bench/native/uffd_ref.h); its touch scenarios
    /// report their touch count, which <see cref="NativeScenario"/> checks.
    /// </summary>
    public const int PresentPasses = 16;

    /// <summary>
    /// Collect calls per run when no page was written: one call over the region takes microseconds, too short to time
    /// alone. The C reference's <c>UFFD_REF_COLLECT_CALLS</c> (bench/native/uffd_ref.h).
    /// </summary>
    public const int CleanCollectCalls = 16;

    /// <summary>The sequential scan: 256 MiB of 4 KiB pages.</summary>
    public static long ScanPages => Smoke ? 4096 : 65536;

    /// <summary>Faulting-thread scenarios: more pages with more handlers, so a run lasts long enough to time.</summary>
    public static long ThreadPages(int handlers) => Smoke ? 256 : handlers == 1 ? 8192 : 16384;
}
