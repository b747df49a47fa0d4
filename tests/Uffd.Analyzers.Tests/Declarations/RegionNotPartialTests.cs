using Uffd.Analyzers.Declarations;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Declarations;

public sealed class RegionNotPartialTests
{
    [Fact]
    public Task A_region_class_that_is_not_partial_is_reported_on_its_name() =>
        Verify<RegionDeclarationAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public class {|UFFD0001:Letters|}
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }
            """);

    [Fact]
    public Task A_partial_region_class_is_not_reported() =>
        Verify<RegionDeclarationAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                public void Use() { Open(); Dispose(); }
            }
            """);
}
