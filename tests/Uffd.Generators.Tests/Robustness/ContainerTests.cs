using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Uffd.Generators.Tests.Infrastructure;

namespace Uffd.Generators.Tests.Robustness;

/// <summary>
/// Every kind of type a region may be nested in is reopened by the generated file as C# requires, modifiers the
/// partial declarations must repeat included: no error and no warning in the generated file.
/// </summary>
public sealed class ContainerTests
{
    private const string Region = """
        [Uffd.FaultRegion(Pages = 4)]
        public sealed partial class Region
        {
            [Uffd.PageProvider]
            private static void Fill(long pageIndex, System.Span<byte> page) => page.Fill(1);
        }
        """;

    [Theory]
    [InlineData("public static partial class Outer")]
    [InlineData("public abstract partial class Outer")]
    [InlineData("public sealed unsafe partial class Outer")]
    [InlineData("internal partial struct Outer")]
    [InlineData("public readonly partial struct Outer")]
    [InlineData("public ref partial struct Outer")]
    [InlineData("public readonly ref partial struct Outer")]
    [InlineData("public partial record Outer(int Id)")]
    [InlineData("public sealed partial record class Outer")]
    [InlineData("public readonly partial record struct Outer(int Id)")]
    [InlineData("public partial class Outer(int seed)")]
    [InlineData("public partial class @event")]
    public void A_region_nested_in_the_container_compiles_cleanly(string container)
    {
        string source = "namespace Demo { " + container + " { " + Region + " } }";
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Compile(new[] { source }).WithOptions(
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true, warningLevel: 9999)));

        Assert.Null(run.Result.Exception);
        Assert.Single(run.Sources);
        Diagnostic[] problems = run.Output.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error || (d.Severity == DiagnosticSeverity.Warning && GeneratorHarness.IsGenerated(d.Location.SourceTree)))
            .Where(d => !(d.Id == "CS8981" && !GeneratorHarness.IsGenerated(d.Location.SourceTree)))
            .ToArray();
        Assert.True(problems.Length == 0, container + ":\n" + string.Join("\n", problems.Select(d => d.ToString())));
    }
}
