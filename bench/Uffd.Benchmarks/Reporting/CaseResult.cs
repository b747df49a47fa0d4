using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Reports;
using Uffd.Benchmarks.Benchmarks;
using Uffd.Benchmarks.Scenarios;

namespace Uffd.Benchmarks.Reporting;

/// <summary>
/// One benchmark case's outcome: the median time of a whole run and what one run faulted (or touched).
/// <see cref="Variant"/> is the case's page order (<c>Pattern</c>) or tracking method (<c>Tracking</c>), if it has one.
/// </summary>
internal sealed record CaseResult(
    string Family,
    string Method,
    string Handler,
    string Variant,
    int ReadAhead,
    int Faulters,
    int Handlers,
    long Pages,
    double? MedianNanoseconds,
    long? AllocatedBytesPerRun)
{
    public bool Succeeded => MedianNanoseconds is > 0;

    public double MicrosecondsPerPage => MedianNanoseconds!.Value / 1000.0 / Pages;

    public double FaultsPerSecond => Pages / (MedianNanoseconds!.Value / 1e9);

    /// <summary>The median time of one whole run.</summary>
    public double MicrosecondsPerRun => MedianNanoseconds!.Value / 1000.0;

    public bool IsC => Handler.StartsWith("C", System.StringComparison.Ordinal);

    public static List<CaseResult> From(IEnumerable<Summary> summaries) =>
        summaries.SelectMany(s => s.Reports.Select(r => From(r))).ToList();

    private static CaseResult From(BenchmarkReport report)
    {
        var benchmark = report.BenchmarkCase;
        string family = benchmark.Descriptor.Type.Name;
        string handler = Parameter(benchmark.Parameters, "Handler") as string ?? "";
        string variant = Parameter(benchmark.Parameters, "Pattern") as string ?? Parameter(benchmark.Parameters, "Tracking") as string ?? "";
        int readAhead = Parameter(benchmark.Parameters, "ReadAhead") as int? ?? 0;
        int faulters = Parameter(benchmark.Parameters, "Faulters") as int? ?? 1;
        int handlers = Parameter(benchmark.Parameters, "Handlers") as int? ?? 0;
        long pages = family switch
        {
            nameof(RoundTrip) or nameof(WriteProtectRoundTrip) or nameof(MinorRoundTrip) => Sizes.RoundTripPages,
            nameof(SpanAccess) => Sizes.RoundTripPages,
            nameof(WriteTrackingCost) => WriteTrackingCost.PagesFor(variant),
            nameof(SpanAccessPresent) => Sizes.RoundTripPages * Sizes.PresentPasses,
            nameof(SequentialScan) or nameof(AnonymousWrite) => Sizes.ScanPages,
            nameof(FaultingThreads) => FaultingThreads.PagesFor(faulters, handlers),
            _ => 1,
        };
        double? median = report.Success ? report.ResultStatistics?.Median : null;
        long? allocated = report.GcStats.TotalOperations > 0 ? report.GcStats.GetBytesAllocatedPerOperation(benchmark) : null;
        return new CaseResult(family, benchmark.Descriptor.WorkloadMethod.Name, handler, variant, readAhead, faulters, handlers, pages, median, allocated);
    }

    private static object? Parameter(BenchmarkDotNet.Parameters.ParameterInstances parameters, string name) =>
        parameters.Items.FirstOrDefault(p => p.Name == name)?.Value;
}
