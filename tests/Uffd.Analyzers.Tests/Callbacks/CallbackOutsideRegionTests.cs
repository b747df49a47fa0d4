using Uffd.Analyzers.Declarations;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Callbacks;

public sealed class CallbackOutsideRegionTests
{
    [Fact]
    public Task Callbacks_in_a_class_without_FaultRegion_are_warned_about() =>
        Verify<CallbackOutsideRegionAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            public partial class Letters
            {
                [PageProvider]
                private void {|#0:Fill|}(long pageIndex, Span<byte> page) => page.Fill(1);

                [WriteHandler]
                private void {|#1:OnWrite|}(long pageIndex) { }
            }
            """,
            Verify<CallbackOutsideRegionAnalyzer>.Diagnostic("UFFD0022").WithLocation(0).WithArguments("Fill", "[PageProvider]", "Letters"),
            Verify<CallbackOutsideRegionAnalyzer>.Diagnostic("UFFD0022").WithLocation(1).WithArguments("OnWrite", "[WriteHandler]", "Letters"));

    [Fact]
    public Task Callbacks_in_a_region_and_the_regions_other_partial_declaration_are_not_reported() =>
        Verify<CallbackOutsideRegionAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect)]
            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }

            public partial class Letters
            {
                [WriteHandler]
                private void OnWrite(long pageIndex) { }
            }
            """);
}
