using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Uffd.Analyzers.CodeFixes;
using Uffd.Analyzers.Declarations;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.CodeFixes;

public sealed class AddPageProviderCodeFixTests
{
    [Fact]
    public Task A_provider_stub_is_added_with_simplified_names() =>
        Verify<RegionCallbacksAnalyzer>.CodeFix<AddPageProviderCodeFix>("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class {|UFFD0010:Letters|}
            {
                public int Count { get; set; }
            }
            """, """
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                public int Count { get; set; }

                [PageProvider]
                private void FillPage(long pageIndex, Span<byte> page)
                {
                    throw new NotImplementedException();
                }
            }
            """);

    [Fact]
    public Task Fix_all_adds_a_stub_to_every_region_keeping_names_qualified_without_usings_and_avoiding_taken_names() =>
        Verify<RegionCallbacksAnalyzer>.CodeFix<AddPageProviderCodeFix>("""
            [Uffd.FaultRegion(Pages = 4)]
            public partial class {|UFFD0010:Letters|}
            {
                private int FillPage;
            }

            [Uffd.FaultRegion(Mode = Uffd.FaultMode.Minor)]
            public partial class {|UFFD0010:Digits|}
            {
            }
            """, """
            [Uffd.FaultRegion(Pages = 4)]
            public partial class Letters
            {
                private int FillPage;

                [Uffd.PageProvider]
                private void FillPage2(long pageIndex, System.Span<byte> page)
                {
                    throw new System.NotImplementedException();
                }
            }

            [Uffd.FaultRegion(Mode = Uffd.FaultMode.Minor)]
            public partial class Digits
            {
                [Uffd.PageProvider]
                private void FillPage(long pageIndex, System.Span<byte> page)
                {
                    throw new System.NotImplementedException();
                }
            }
            """);

    [Fact]
    public void The_fixed_region_is_generated_and_compiles_without_errors()
    {
        // The fix harness keeps the generator output of the original code; check the fixed code against the real one.
        const string Fixed = """
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [PageProvider]
                private void FillPage(long pageIndex, Span<byte> page)
                {
                    throw new NotImplementedException();
                }

                public void Use() { Open(); _ = AsSpan(); Dispose(); }
            }
            """;
        IReadOnlyList<(string Name, string Text)> generated = GeneratedSources.For(Fixed);
        Assert.Single(generated);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Fixed",
            generated.Select(g => g.Text).Prepend(Fixed).Select(text => CSharpSyntaxTree.ParseText(text, GeneratedSources.ParseOptions)),
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }
}
