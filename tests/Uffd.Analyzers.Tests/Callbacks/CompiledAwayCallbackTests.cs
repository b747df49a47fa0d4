using Uffd.Analyzers.Declarations;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Callbacks;

/// <summary>UFFD0026: a callback the compiler would call nowhere (bodiless partial, [Conditional]).</summary>
public sealed class CompiledAwayCallbackTests
{
    [Fact]
    public Task A_bodiless_partial_provider_is_reported() =>
        Verify<RegionCallbacksAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [PageProvider]
                partial void {|#0:Fill|}(long pageIndex, Span<byte> page);
            }
            """,
            Verify<RegionCallbacksAnalyzer>.Diagnostic("UFFD0026").WithLocation(0)
                .WithArguments("Fill", "[PageProvider]", "is a partial method with no body"));

    [Fact]
    public Task A_conditional_provider_and_write_handler_are_reported() =>
        Verify<RegionCallbacksAnalyzer>.Analyzer("""
            using System;
            using System.Diagnostics;
            using Uffd;

            [FaultRegion(Pages = 4, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
            public partial class Letters
            {
                [Conditional("TRACE_PAGES")]
                [PageProvider]
                private void {|#0:Fill|}(long pageIndex, Span<byte> page) => page.Fill(1);

                [Conditional("DEBUG")]
                [WriteHandler]
                private void {|#1:OnWrite|}(long pageIndex) { }
            }
            """,
            Verify<RegionCallbacksAnalyzer>.Diagnostic("UFFD0026").WithLocation(0).WithArguments("Fill", "[PageProvider]", "is [Conditional]"),
            Verify<RegionCallbacksAnalyzer>.Diagnostic("UFFD0026").WithLocation(1).WithArguments("OnWrite", "[WriteHandler]", "is [Conditional]"));

    [Fact]
    public Task A_partial_provider_with_its_body_is_fine() =>
        Verify<RegionCallbacksAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [PageProvider]
                partial void Fill(long pageIndex, Span<byte> page);

                partial void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }
            """);
}
