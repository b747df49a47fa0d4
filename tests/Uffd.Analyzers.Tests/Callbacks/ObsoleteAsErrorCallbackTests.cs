using Uffd.Analyzers.Declarations;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Callbacks;

/// <summary>
/// UFFD0027: a callback marked [Obsolete] as an error, whose generated call would be CS0619. Near misses: a plain
/// [Obsolete] (the generated call suppresses its warning) and an error-obsolete callback inside an [Obsolete] region,
/// where the compiler reports no obsolete call at all.
/// </summary>
public sealed class ObsoleteAsErrorCallbackTests
{
    [Fact]
    public Task An_error_obsolete_provider_and_write_handler_are_reported() =>
        Verify<RegionCallbacksAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
            public partial class Letters
            {
                [Obsolete("only the region calls it", true)]
                [PageProvider]
                private void {|#0:Fill|}(long pageIndex, Span<byte> page) => page.Fill(1);

                [Obsolete(error: true, message: "only the region calls it")]
                [WriteHandler]
                private static void {|#1:OnWrite|}(PageFaultContext context) { }
            }
            """,
            Verify<RegionCallbacksAnalyzer>.Diagnostic("UFFD0027").WithLocation(0).WithArguments("Fill", "[PageProvider]"),
            Verify<RegionCallbacksAnalyzer>.Diagnostic("UFFD0027").WithLocation(1).WithArguments("OnWrite", "[WriteHandler]"));

    [Fact]
    public Task A_warning_obsolete_provider_is_fine_and_generated() =>
        Verify<RegionCallbacksAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [Obsolete("kept for old files", false)]
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                public void Use() { Open(); Dispose(); }
            }
            """);

    [Fact]
    public Task An_error_obsolete_provider_in_an_obsolete_container_is_fine_and_generated() =>
        Verify<RegionCallbacksAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [Obsolete("the old cache")]
            public static partial class LegacyCache
            {
                [FaultRegion(Pages = 4)]
                public sealed partial class Letters
                {
                    [Obsolete("only the region calls it", true)]
                    [PageProvider]
                    private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                    public void Use() { Open(); Dispose(); }
                }
            }
            """);
}
