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

    [Fact]
    public Task An_override_of_a_regions_callback_is_called_through_it_but_a_new_callback_in_the_subclass_is_not() =>
        Verify<CallbackOutsideRegionAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
            public partial class Tiles
            {
                [PageProvider]
                protected virtual void Fill(long pageIndex, Span<byte> page) => page.Clear();

                [WriteHandler]
                protected virtual void OnWrite(long pageIndex) { }

                protected virtual void Trace(long pageIndex) { }
            }

            public class Middle : Tiles
            {
            }

            public class Striped : Middle
            {
                [PageProvider]
                protected override void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                [WriteHandler]
                protected override void OnWrite(long pageIndex) { }

                [WriteHandler]
                protected override void {|#0:Trace|}(long pageIndex) { }

                [PageProvider]
                private void {|#1:FillFaster|}(long pageIndex, Span<byte> page) => page.Fill(2);
            }
            """,
            Verify<CallbackOutsideRegionAnalyzer>.Diagnostic("UFFD0022").WithLocation(0).WithArguments("Trace", "[WriteHandler]", "Striped"),
            Verify<CallbackOutsideRegionAnalyzer>.Diagnostic("UFFD0022").WithLocation(1).WithArguments("FillFaster", "[PageProvider]", "Striped"));
}
