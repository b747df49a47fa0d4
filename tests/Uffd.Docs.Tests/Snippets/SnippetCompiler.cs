using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.IO;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Uffd.Generators;
using Uffd.Tests.Shared;

namespace Uffd.Docs.Tests.Snippets;

/// <summary>A snippet compiled with the generator and every analyzer, as a build of a user's project would.</summary>
/// <param name="Output">The compilation with the generated sources added (what is emitted for a program).</param>
/// <param name="Diagnostics">Compiler and analyzer diagnostics, generated code included; suppressed ones excluded.</param>
/// <param name="Generated">The generator's files: hint name and text.</param>
internal sealed record CompiledSnippet(Compilation Output, ImmutableArray<Diagnostic> Diagnostics, IReadOnlyList<(string HintName, string Text)> Generated)
{
    /// <summary>The diagnostics a reader would see in a build: warnings and errors, and every UFFD diagnostic.</summary>
    public IEnumerable<Diagnostic> Visible =>
        Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning || d.Id.StartsWith("UFFD", StringComparison.Ordinal));

    public string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("\n", diagnostics.Select(d => "  " + d.ToString()));
}

/// <summary>
/// Compiles snippets in memory: one shared reference set (the shared framework this test host runs on, plus
/// Uffd.Runtime), the global usings of an SDK project with <c>ImplicitUsings</c>, nullable annotations on, unsafe code
/// allowed, every compiler warning wave, the real generator and every Uffd analyzer.
/// </summary>
internal static class SnippetCompiler
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp12);

    /// <summary>What <c>&lt;ImplicitUsings&gt;enable&lt;/ImplicitUsings&gt;</c> gives a console project (Microsoft.NET.Sdk).</summary>
    public const string ImplicitUsings =
        "global using global::System;\n" +
        "global using global::System.Collections.Generic;\n" +
        "global using global::System.IO;\n" +
        "global using global::System.Linq;\n" +
        "global using global::System.Net.Http;\n" +
        "global using global::System.Threading;\n" +
        "global using global::System.Threading.Tasks;\n";

    /// <summary>Added for fragments, signatures and every snippet of a diagnostics page.</summary>
    public const string UffdUsing = "global using global::Uffd;\n";

    private static readonly Lazy<ImmutableArray<DiagnosticAnalyzer>> LazyAnalyzers = new(UffdAnalyzers.Create);

    private static readonly ConcurrentDictionary<string, Lazy<CompiledSnippet>> Cache = new(StringComparer.Ordinal);

    /// <summary>Every Uffd analyzer (the same set a project referencing Uffd.Analyzers runs).</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers => LazyAnalyzers.Value;

    /// <summary>Compiles a snippet once per test run (the compile and the run tests share it).</summary>
    public static CompiledSnippet Compile(Snippet snippet) =>
        Cache.GetOrAdd(snippet.Name, _ => new Lazy<CompiledSnippet>(() => CompileNow(snippet))).Value;

    private static CompiledSnippet CompileNow(Snippet snippet)
    {
        var trees = new List<SyntaxTree>
        {
            CSharpSyntaxTree.ParseText(ImplicitUsings, ParseOptions, path: "ImplicitUsings.g.cs", encoding: Encoding.UTF8),
        };
        if (snippet.IsOnDiagnosticsPage || snippet.Kind is SnippetKind.Fragment or SnippetKind.Signatures)
        {
            trees.Add(CSharpSyntaxTree.ParseText(UffdUsing, ParseOptions, path: "UffdUsing.g.cs", encoding: Encoding.UTF8));
        }

        IEnumerable<Snippet> parts = snippet.With
            .Select(name => MarkdownSnippets.All.Single(s => s.Document == snippet.Document && s.FileName == name))
            .Append(snippet.Kind == SnippetKind.Generated ? MarkdownSnippets.All.Single(s => s.Document == snippet.Document && s.FileName == snippet.From) : snippet);
        int n = 0;
        foreach (Snippet part in parts)
        {
            trees.Add(CSharpSyntaxTree.ParseText(SourceOf(part), ParseOptions, path: part.FileName ?? $"Snippet{n++}.cs", encoding: Encoding.UTF8));
        }

        bool hasTopLevelStatements = trees.Any(t => t.GetRoot().ChildNodes().OfType<GlobalStatementSyntax>().Any());
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Snippet",
            trees,
            HostReferences.FrameworkAndRuntime,
            new CSharpCompilationOptions(
                hasTopLevelStatements ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: true,
                warningLevel: 9999));

        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new FaultRegionGenerator().AsSourceGenerator() }, parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        if (run.Exception is not null)
        {
            throw new InvalidOperationException($"the generator threw on {snippet.Name}", run.Exception);
        }

        ImmutableArray<Diagnostic> diagnostics = output
            .WithAnalyzers(Analyzers)
            .GetAllDiagnosticsAsync()
            .GetAwaiter()
            .GetResult()
            .AddRange(generatorDiagnostics);
        return new CompiledSnippet(output, diagnostics, run.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())).ToList());
    }

    /// <summary>
    /// The C# a block stands for. A <c>#line</c> directive maps every position back to the document, so a diagnostic
    /// reads <c>docs/diagnostics/UFFD0043.md(57,1): error ...</c>.
    /// </summary>
    public static string SourceOf(Snippet snippet)
    {
        string at = $"#line {snippet.Line} \"{snippet.Document}\"\n";
        switch (snippet.Kind)
        {
            case SnippetKind.Fragment:
                return "internal static class SnippetFragment\n{\n" +
                       $"    internal static void Body({snippet.Parameters})\n    {{\n" +
                       at + snippet.Code +
                       "#line default\n    }\n}\n";

            case SnippetKind.Signatures:
                var signatures = new StringBuilder();
                string[] lines = snippet.Code.Split('\n');
                for (int i = 0; i < lines.Length; i++)
                {
                    int comment = lines[i].IndexOf("//", StringComparison.Ordinal);
                    string signature = (comment < 0 ? lines[i] : lines[i][..comment]).Trim();
                    if (signature.Length > 0)
                    {
                        signatures.Append($"internal interface ISignature{i}\n{{\n#line {snippet.Line + i} \"{snippet.Document}\"\n    {signature};\n#line default\n}}\n");
                    }
                }

                return signatures.ToString();

            default:
                return at + snippet.Code;
        }
    }
}
