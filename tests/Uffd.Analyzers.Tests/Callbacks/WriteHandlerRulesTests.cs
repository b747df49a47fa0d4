using Uffd.Analyzers.Declarations;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Callbacks;

/// <summary>UFFD0011, UFFD0023, UFFD0024 and UFFD0025 for write handlers.</summary>
public sealed class WriteHandlerRulesTests
{
    [Fact]
    public Task A_write_protect_region_without_a_handler_is_warned_about_on_its_name() =>
        Verify<RegionCallbacksAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect)]
            public partial class {|#0:Journal|}
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }
            """,
            Verify<RegionCallbacksAnalyzer>.Diagnostic("UFFD0011").WithLocation(0).WithArguments("Journal"));

    [Fact]
    public Task An_asynchronous_write_tracking_region_needs_no_handler() =>
        Verify<RegionCallbacksAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous)]
            public partial class Journal
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }
            """);

    [Fact]
    public Task A_region_with_explicit_synchronous_tracking_and_no_handler_is_warned_about() =>
        Verify<RegionCallbacksAnalyzer>.Analyzer("""
            using Uffd;

            [FaultRegion(Mode = FaultMode.WriteProtect, WriteTracking = WriteTracking.Synchronous)]
            public partial class {|#0:Journal|}
            {
            }
            """,
            Verify<RegionCallbacksAnalyzer>.Diagnostic("UFFD0011").WithLocation(0).WithArguments("Journal"));

    [Fact]
    public Task A_region_without_write_protection_needs_no_handler() =>
        Verify<RegionCallbacksAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Mode = FaultMode.Missing)]
            public partial class Journal
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }
            """);

    [Theory]
    [InlineData("private int OnWrite(long pageIndex) => 0;", " (it returns 'int')")]
    [InlineData("private void OnWrite(long pageIndex, Span<byte> page) { }", " (it has 2 parameters)")]
    [InlineData("private void OnWrite<T>(long pageIndex) { }", " (it is generic)")]
    [InlineData("private void OnWrite(string name) { }", " (the first parameter must be long pageIndex or PageFaultContext context)")]
    [InlineData("private void OnWrite(out long pageIndex) { pageIndex = 0; }", " (the page index must be passed by value)")]
    public Task A_write_handler_with_an_unsupported_signature_is_reported_with_the_reason(string method, string reason) =>
        Verify<RegionCallbacksAnalyzer>.Analyzer(
            $$"""
            using System;
            using Uffd;

            [FaultRegion(Mode = FaultMode.WriteProtect)]
            public partial class Journal
            {
                [WriteHandler]
                {{method.Replace("OnWrite", "{|#0:OnWrite|}", StringComparison.Ordinal)}}
            }
            """,
            Verify<RegionCallbacksAnalyzer>.Diagnostic("UFFD0023").WithLocation(0).WithArguments("OnWrite", reason));

    [Theory]
    [InlineData("private void OnWrite(long pageIndex) { }")]
    [InlineData("private static void OnWrite(PageFaultContext context) { }")]
    [InlineData("protected void OnWrite(in PageFaultContext context) { }")]
    public Task Every_supported_write_handler_signature_is_accepted(string method) =>
        Verify<RegionCallbacksAnalyzer>.Analyzer($$"""
            using Uffd;

            [FaultRegion(Mode = FaultMode.WriteProtect)]
            public partial class Journal
            {
                [WriteHandler]
                {{method}}
            }
            """);

    [Fact]
    public Task A_second_write_handler_is_reported_on_its_name() =>
        Verify<RegionCallbacksAnalyzer>.Analyzer("""
            using Uffd;

            [FaultRegion(Mode = FaultMode.WriteProtect)]
            public partial class Journal
            {
                [WriteHandler]
                private void OnWrite(long pageIndex) { }

                [WriteHandler]
                private void {|#0:Audit|}(long pageIndex) { }
            }
            """,
            Verify<RegionCallbacksAnalyzer>.Diagnostic("UFFD0024").WithLocation(0).WithArguments("Journal", "OnWrite", "Audit"));

    [Fact]
    public Task A_write_handler_in_a_region_without_write_protection_is_never_called() =>
        Verify<RegionCallbacksAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                [WriteHandler]
                private void {|#0:OnWrite|}(long pageIndex) { }
            }
            """,
            Verify<RegionCallbacksAnalyzer>.Diagnostic("UFFD0025").WithLocation(0).WithArguments("OnWrite", "[WriteHandler]", "Letters"));

    [Fact]
    public Task A_write_handler_in_an_asynchronous_write_tracking_region_is_never_called() =>
        Verify<RegionCallbacksAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous)]
            public partial class Journal
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                [WriteHandler]
                private void {|#0:OnWrite|}(long pageIndex) { }
            }
            """,
            Verify<RegionCallbacksAnalyzer>.Diagnostic("UFFD0025").WithLocation(0).WithArguments("OnWrite", "[WriteHandler]", "Journal"));
}
