using Uffd.Analyzers.Declarations;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Declarations;

/// <summary>UFFD0002-0005: the shape of the region class and of the types around it.</summary>
public sealed class RegionShapeTests
{
    [Fact]
    public Task A_region_nested_in_a_non_partial_class_is_reported_with_that_class() =>
        Verify<RegionDeclarationAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            public partial class Outer
            {
                public class Middle
                {
                    [FaultRegion(Pages = 4)]
                    public partial class {|#0:Letters|}
                    {
                        [PageProvider]
                        private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
                    }
                }
            }
            """,
            Verify<RegionDeclarationAnalyzer>.Diagnostic("UFFD0002").WithLocation(0).WithArguments("Letters", "Middle"));

    [Fact]
    public Task A_region_nested_in_partial_classes_and_structs_is_not_reported() =>
        Verify<RegionDeclarationAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            public partial class Outer
            {
                public partial struct Middle
                {
                    [FaultRegion(Pages = 4)]
                    public partial class Letters
                    {
                        [PageProvider]
                        private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
                    }
                }
            }
            """);

    [Fact]
    public Task A_generic_region_is_reported() =>
        Verify<RegionDeclarationAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class {|#0:Cache|}<T>
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }
            """,
            Verify<RegionDeclarationAnalyzer>.Diagnostic("UFFD0003").WithLocation(0).WithArguments("Cache", ""));

    [Fact]
    public Task A_region_in_a_generic_class_is_reported_naming_the_container() =>
        Verify<RegionDeclarationAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            public partial class Outer<T>
            {
                [FaultRegion(Pages = 4)]
                public partial class {|#0:Cache|}
                {
                    [PageProvider]
                    private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
                }
            }
            """,
            Verify<RegionDeclarationAnalyzer>.Diagnostic("UFFD0003").WithLocation(0)
                .WithArguments("Cache", " through its containing type 'Outer<T>'"));

    [Fact]
    public Task A_region_with_a_generic_method_is_not_generic() =>
        Verify<RegionDeclarationAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Cache
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                public T Echo<T>(T value) => value;
            }
            """);

    [Fact]
    public Task A_static_region_is_reported() =>
        Verify<RegionDeclarationAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public static partial class {|UFFD0004:Letters|}
            {
                [PageProvider]
                private static void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }
            """);

    [Fact]
    public Task A_region_with_a_static_provider_is_not_static() =>
        Verify<RegionDeclarationAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public sealed partial class Letters
            {
                [PageProvider]
                private static void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }
            """);

    [Fact]
    public Task A_record_region_is_reported() =>
        Verify<RegionDeclarationAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial record {|#0:Letters|}
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }
            """,
            Verify<RegionDeclarationAnalyzer>.Diagnostic("UFFD0005").WithLocation(0).WithArguments("Letters", "a record"));

    [Fact]
    public Task A_file_local_region_is_reported() =>
        Verify<RegionDeclarationAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            file partial class {|#0:Letters|}
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }
            """,
            Verify<RegionDeclarationAnalyzer>.Diagnostic("UFFD0005").WithLocation(0).WithArguments("Letters", "file-local"));

    [Fact]
    public Task A_region_nested_in_a_file_local_class_is_reported_naming_the_container() =>
        Verify<RegionDeclarationAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            file partial class Outer
            {
                [FaultRegion(Pages = 4)]
                public partial class {|#0:Letters|}
                {
                    [PageProvider]
                    private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
                }
            }
            """,
            Verify<RegionDeclarationAnalyzer>.Diagnostic("UFFD0005").WithLocation(0).WithArguments("Letters", "nested in the file-local type 'Outer'"));

    [Fact]
    public Task A_region_under_an_interface_is_reported_as_not_plain_even_when_a_class_in_between_is_not_partial() =>
        Verify<RegionDeclarationAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            public partial interface IStore
            {
                public class Holder
                {
                    [FaultRegion(Pages = 4)]
                    public partial class {|#0:Letters|}
                    {
                        [PageProvider]
                        private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
                    }
                }
            }
            """,
            Verify<RegionDeclarationAnalyzer>.Diagnostic("UFFD0005").WithLocation(0).WithArguments("Letters", "nested in the interface 'IStore'"));

    [Fact]
    public Task A_record_struct_is_left_to_the_compiler_attribute_usage_error() =>
        Verify<RegionDeclarationAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [{|CS0592:FaultRegion|}(Pages = 4)]
            public partial record struct Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }
            """);

    [Fact]
    public Task An_internal_sealed_region_is_a_plain_class() =>
        Verify<RegionDeclarationAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            internal sealed partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }
            """);
}
