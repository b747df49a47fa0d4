using Uffd.Analyzers.Declarations;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Callbacks;

/// <summary>UFFD0010, UFFD0020, UFFD0021 and UFFD0025 for providers.</summary>
public sealed class ProviderRulesTests
{
    [Theory]
    [InlineData("Pages = 4", "Missing")]
    [InlineData("Mode = FaultMode.Minor", "Minor")]
    [InlineData("Mode = FaultMode.Missing | FaultMode.Minor | FaultMode.WriteProtect", "Missing and Minor")]
    public Task A_region_that_serves_missing_or_minor_faults_without_a_provider_is_reported(string arguments, string faults) =>
        Verify<RegionCallbacksAnalyzer>.Analyzer($$"""
            using Uffd;

            [FaultRegion({{arguments}})]
            public partial class {|#0:Letters|}
            {
                [WriteHandler]
                private void OnWrite(long pageIndex) { }
            }
            """,
            IsWriteProtect(arguments)
                ? new[] { Verify<RegionCallbacksAnalyzer>.Diagnostic("UFFD0010").WithLocation(0).WithArguments("Letters", faults) }
                : new[]
                {
                    Verify<RegionCallbacksAnalyzer>.Diagnostic("UFFD0010").WithLocation(0).WithArguments("Letters", faults),
                    Verify<RegionCallbacksAnalyzer>.Diagnostic("UFFD0025").WithSpan(7, 18, 7, 25).WithArguments("OnWrite", "[WriteHandler]", "Letters"),
                });

    private static bool IsWriteProtect(string arguments) => arguments.Contains("WriteProtect", StringComparison.Ordinal);

    [Fact]
    public Task A_write_protect_only_region_needs_no_provider() =>
        Verify<RegionCallbacksAnalyzer>.Analyzer("""
            using Uffd;

            [FaultRegion(Mode = FaultMode.WriteProtect)]
            public partial class Journal
            {
                [WriteHandler]
                private void OnWrite(long pageIndex) { }
            }
            """);

    [Theory]
    [InlineData("private async System.Threading.Tasks.Task Fill(long pageIndex, Memory<byte> page) => await System.Threading.Tasks.Task.Yield();", " (async methods cannot be providers)")]
    [InlineData("private void Fill<T>(long pageIndex, Span<byte> page) { }", " (it is generic)")]
    [InlineData("private void Fill(long pageIndex, byte[] page) { }", " (the second parameter must be Span<byte>)")]
    [InlineData("private void Fill(long pageIndex, ref Span<byte> page) { }", " (the second parameter must be Span<byte>)")]
    [InlineData("private void Fill(int pageIndex, Span<byte> page) { }", " (the first parameter must be long pageIndex or PageFaultContext context)")]
    [InlineData("private void Fill(ref PageFaultContext context, Span<byte> page) { }", " (the context must be passed by value or 'in')")]
    [InlineData("private bool Fill(long pageIndex, Span<byte> page) => true;", " (it returns 'bool')")]
    [InlineData("private void Fill(Span<byte> page) { }", " (it has 1 parameter)")]
    public Task A_provider_with_an_unsupported_signature_is_reported_with_the_reason(string method, string reason) =>
        Verify<RegionCallbacksAnalyzer>.Analyzer(
            $$"""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [PageProvider]
                {{method.Replace("Fill", "{|#0:Fill|}", StringComparison.Ordinal)}}
            }
            """,
            Verify<RegionCallbacksAnalyzer>.Diagnostic("UFFD0020").WithLocation(0).WithArguments("Fill", reason));

    [Theory]
    [InlineData("private void Fill(long pageIndex, Span<byte> page) { }")]
    [InlineData("private PageFill Fill(long pageIndex, Span<byte> page) => PageFill.Zero;")]
    [InlineData("internal static PageFill Fill(in PageFaultContext context, Span<byte> page) => PageFill.Filled;")]
    [InlineData("public void Fill(PageFaultContext context, Span<byte> page) { }")]
    public Task Every_supported_provider_signature_is_accepted(string method) =>
        Verify<RegionCallbacksAnalyzer>.Analyzer($$"""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [PageProvider]
                {{method}}
            }
            """);

    [Fact]
    public Task A_second_provider_is_reported_on_its_name() =>
        Verify<RegionCallbacksAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                [PageProvider]
                private void {|#0:FillAgain|}(long pageIndex, Span<byte> page) => page.Fill(2);
            }
            """,
            Verify<RegionCallbacksAnalyzer>.Diagnostic("UFFD0021").WithLocation(0).WithArguments("Letters", "Fill", "FillAgain"));

    [Fact]
    public Task A_provider_in_another_partial_file_counts_as_the_regions_provider() =>
        Verify<RegionCallbacksAnalyzer>.Analyzer("""
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
            }

            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, System.Span<byte> page) => page.Fill(1);
            }
            """);

    [Fact]
    public Task A_provider_in_a_write_protect_only_region_is_never_called() =>
        Verify<RegionCallbacksAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Mode = FaultMode.WriteProtect)]
            public partial class Journal
            {
                [PageProvider]
                private void {|#0:Fill|}(long pageIndex, Span<byte> page) => page.Fill(1);

                [WriteHandler]
                private void OnWrite(long pageIndex) { }
            }
            """,
            Verify<RegionCallbacksAnalyzer>.Diagnostic("UFFD0025").WithLocation(0).WithArguments("Fill", "[PageProvider]", "Journal"));
}
