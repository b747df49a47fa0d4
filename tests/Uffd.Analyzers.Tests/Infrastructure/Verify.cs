using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Uffd.Analyzers.Tests.Infrastructure;

/// <summary>
/// Analyzer and code-fix verification with the roslyn-sdk harness: markup <c>{|UFFD0001:span|}</c> or <c>[|span|]</c>
/// marks the exact span a diagnostic must cover; every other diagnostic (compiler errors included) fails the test.
/// The generator's output for the test code is added, as a build would.
/// </summary>
internal static class Verify<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static DiagnosticResult Diagnostic(string id) => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(id);

    /// <summary>Fails unless the analyzer reports exactly the marked (and <paramref name="expected"/>) diagnostics.</summary>
    public static Task Analyzer(string source, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            TestCode = source,
            ReferenceAssemblies = TestReferences.None,
        };
        Configure(test.TestState, source);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>As <see cref="Analyzer"/>, for a program (top-level statements need an executable).</summary>
    public static Task Program(string source, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            TestCode = source,
            ReferenceAssemblies = TestReferences.None,
        };
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        Configure(test.TestState, source);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>Checks the fix turns <paramref name="source"/> into <paramref name="fixedSource"/>, one by one and with Fix All.</summary>
    public static Task CodeFix<TCodeFix>(string source, string fixedSource, params DiagnosticResult[] expected)
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        {
            TestCode = source,
            FixedCode = fixedSource,
            ReferenceAssemblies = TestReferences.None,
        };
        Configure(test.TestState, source);
        // The harness keeps every document the fix does not touch, so the fixed state holds the generator's output
        // for the ORIGINAL code (a fix edits only the user's files). Fixed code must therefore not depend on members
        // the generator would add only after the fix.
        Configure(test.FixedState, source);
        // Markup in the fixed code marks the diagnostics a fix leaves alone (shapes it does not rewrite); by default the
        // harness would ignore markup for a fixable ID there.
        test.FixedState.MarkupHandling = MarkupMode.Allow;
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    private static void Configure(SolutionState state, string source)
    {
        state.AdditionalReferences.AddRange(TestReferences.All);
        foreach ((string name, string text) in GeneratedSources.For(MarkupFree(source)))
        {
            state.Sources.Add(("/0/Generated/" + name, text));
        }
    }

    /// <summary>The generator must see the code without test markup.</summary>
    private static string MarkupFree(string source)
    {
        TestFileMarkupParser.GetSpans(source, out string output, out System.Collections.Immutable.ImmutableDictionary<string, System.Collections.Immutable.ImmutableArray<Microsoft.CodeAnalysis.Text.TextSpan>> _);
        return output;
    }
}
