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
    [InlineData("private async System.Threading.Tasks.Task Fill(long pageIndex, Memory<byte> page) => await System.Threading.Tasks.Task.Yield();", " (an async provider returns ValueTask or ValueTask<PageFill>, not 'Task')")]
    [InlineData("private async System.Threading.Tasks.ValueTask Fill(long pageIndex, Memory<byte> page) => await System.Threading.Tasks.Task.Yield();", " (an asynchronous provider has 3 parameters, the third a CancellationToken; it has 2)")]
    [InlineData("private System.Threading.Tasks.ValueTask Fill(long pageIndex, Span<byte> page, System.Threading.CancellationToken token) => default;", " (the second parameter of an asynchronous provider must be Memory<byte>)")]
    [InlineData("private System.Threading.Tasks.ValueTask Fill(long pageIndex, Memory<byte> page, int token) => default;", " (the third parameter of an asynchronous provider must be CancellationToken)")]
    [InlineData("private System.Threading.Tasks.ValueTask<PageFill> Fill(in PageFaultContext context, Memory<byte> page, System.Threading.CancellationToken token) => default;", " (an asynchronous provider takes the context by value)")]
    [InlineData("private System.Threading.Tasks.ValueTask<bool> Fill(long pageIndex, Memory<byte> page, System.Threading.CancellationToken token) => default;", " (it returns 'ValueTask<bool>')")]
    [InlineData("private System.Threading.Tasks.ValueTask Fill<T>(long pageIndex, Memory<byte> page, System.Threading.CancellationToken token) => default;", " (it is generic)")]
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
                {{method.Replace(" Fill", " {|#0:Fill|}", StringComparison.Ordinal)}}
            }
            """,
            Verify<RegionCallbacksAnalyzer>.Diagnostic("UFFD0020").WithLocation(0).WithArguments("Fill", reason));

    [Theory]
    [InlineData("private void Fill(long pageIndex, Span<byte> page) { }")]
    [InlineData("private PageFill Fill(long pageIndex, Span<byte> page) => PageFill.Zero;")]
    [InlineData("internal static PageFill Fill(in PageFaultContext context, Span<byte> page) => PageFill.Filled;")]
    [InlineData("public void Fill(PageFaultContext context, Span<byte> page) { }")]
    [InlineData("private async System.Threading.Tasks.ValueTask Fill(long pageIndex, Memory<byte> page, System.Threading.CancellationToken cancellationToken) => await System.Threading.Tasks.Task.Yield();")]
    [InlineData("private static System.Threading.Tasks.ValueTask<PageFill> Fill(PageFaultContext context, Memory<byte> page, System.Threading.CancellationToken cancellationToken) => new(PageFill.Zero);")]
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

    [Theory]
    [InlineData("0")]
    [InlineData("-4")]
    public Task MaxPagesPerCall_below_one_is_reported_on_its_argument(string pages) =>
        Verify<RegionOptionsAnalyzer>.Analyzer(
            $$"""
            using System;
            using Uffd;

            [FaultRegion(Pages = 64, ReadAhead = 15)]
            public partial class Letters
            {
                [PageProvider({|#0:MaxPagesPerCall = {{pages}}|})]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }
            """,
            Verify<RegionOptionsAnalyzer>.Diagnostic("UFFD0007").WithLocation(0)
                .WithArguments("Letters", $"[PageProvider(MaxPagesPerCall = {pages})] must be at least 1: it is the most pages one call fills"));

    [Theory]
    [InlineData("[PageProvider] private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);", "with a synchronous provider (it bounds an asynchronous provider's outstanding calls)")]
    [InlineData("[PageProvider] private PageFill Fill(in PageFaultContext context, Span<byte> page) => PageFill.Zero;", "with a synchronous provider (it bounds an asynchronous provider's outstanding calls)")]
    public Task MaxFaultsInFlight_with_a_synchronous_provider_is_reported_on_its_argument(string provider, string why) =>
        Verify<RegionOptionsAnalyzer>.Analyzer(
            $$"""
            using System;
            using Uffd;

            [FaultRegion(Pages = 64, {|#0:MaxFaultsInFlight = 8|})]
            public partial class Letters
            {
                {{provider}}
            }
            """,
            Verify<RegionOptionsAnalyzer>.Diagnostic("UFFD0013").WithLocation(0).WithArguments("Letters", "MaxFaultsInFlight", why));

    [Fact]
    public Task MaxFaultsInFlight_and_MaxPagesPerCall_with_an_asynchronous_provider_draw_nothing() =>
        Verify<RegionOptionsAnalyzer>.Analyzer("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using Uffd;

            [FaultRegion(Pages = 64, ReadAhead = 15, MaxFaultsInFlight = 8)]
            public partial class Letters
            {
                [PageProvider(MaxPagesPerCall = 16)]
                private async ValueTask FillAsync(long pageIndex, Memory<byte> pages, CancellationToken cancellationToken)
                {
                    await Task.Delay(1, cancellationToken);
                    pages.Span.Fill(1);
                }
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
