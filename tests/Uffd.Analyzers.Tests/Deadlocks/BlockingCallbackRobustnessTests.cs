using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Uffd.Analyzers.Deadlocks;
using Uffd.Analyzers.Tests.Infrastructure;
using Uffd.Generators;

namespace Uffd.Analyzers.Tests.Deadlocks;

/// <summary>
/// UFFD0031 looks at arguments (timeouts), conditions (completion guards) and the bodies of helpers: broken waits,
/// guards and helpers must not make it throw (AD0001).
/// </summary>
public sealed class BlockingCallbackRobustnessTests
{
    [Fact]
    public async Task Broken_waits_guards_and_helpers_do_not_make_the_analyzer_throw()
    {
        const string Source = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Broken
            {
                private readonly SemaphoreSlim _gate = new(1);
                private Task<byte[]> _download;

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page)
                {
                    _gate.Wait("zero");
                    _gate.Wait(true, 0, 1);
                    Thread.Sleep(TimeSpan.FromSeconds("0"));
                    if (_download.IsCompletedSuccessfully(1) && _download.Status == Undefined.RanToCompletion)
                    {
                        _download.Result.CopyTo(page);
                    }

                    if (_download is { IsCompleted: Missing })
                        return
                    _ = _download.GetAwaiter(1).GetResult();
                    _ = Missing().Result;
                    Helper(;
                    Recursive(3);
                    Task.Run(() => _download.Wait(, ));
                    page[0] = Undefined.Value.Result;
                }

                private void Helper( => _download.Wait(;

                private int Recursive(int n) => n == 0 ? _download.Result.Length : Recursive(n - 1) + Other.Call();

                private static extern void Extern();
            }
            """;
        CSharpCompilation compilation = CSharpCompilation.Create(
            "BlockingRobustness",
            new[] { CSharpSyntaxTree.ParseText(Source, GeneratedSources.ParseOptions, path: "Broken.cs") },
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        CSharpGeneratorDriver.Create(new[] { new FaultRegionGenerator().AsSourceGenerator() }, parseOptions: GeneratedSources.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);

        ImmutableArray<Diagnostic> diagnostics = await output
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new BlockingCallbackAnalyzer()))
            .GetAllDiagnosticsAsync();

        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        Assert.Contains(diagnostics, d => d.Id == "UFFD0031");
    }
}
