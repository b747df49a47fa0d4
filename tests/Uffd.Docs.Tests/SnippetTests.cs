using Microsoft.CodeAnalysis;
using Uffd.Docs.Tests.Snippets;
using Uffd.Tests.Shared;

namespace Uffd.Docs.Tests;

/// <summary>
/// Every fenced C# block of README.md and docs/ compiles with the generator and the analyzers as the document means
/// it to (DEVELOPERS.md, "Documentation snippets"), and every program runs and prints what the document shows.
/// </summary>
public sealed class SnippetTests
{
    public static TheoryData<string> Compiled() =>
        new(MarkdownSnippets.All.Where(s => s.Kind != SnippetKind.Generated).Select(s => s.Name));

    public static TheoryData<string> Programs() =>
        new(MarkdownSnippets.All.Where(s => s.Kind == SnippetKind.Program && !OpensDefaultRegion(s)).Select(s => s.Name));

    public static TheoryData<string> RegionPrograms() =>
        new(MarkdownSnippets.All.Where(s => s.Kind == SnippetKind.Program && OpensDefaultRegion(s)).Select(s => s.Name));

    public static TheoryData<string> GeneratedSources() =>
        new(MarkdownSnippets.All.Where(s => s.Kind == SnippetKind.Generated).Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Compiled))]
    public void Compiles_as_the_document_means(string name)
    {
        Snippet snippet = MarkdownSnippets.Named(name);
        CompiledSnippet compiled = SnippetCompiler.Compile(snippet);
        Diagnostic[] visible = compiled.Visible.ToArray();

        if (snippet.ExpectedDiagnostic is { } id)
        {
            // A "Wrong" example shows the mistake its page is about, and only that one.
            Assert.True(visible.Any(d => d.Id == id),
                $"{name} must report {id} (it is the page's \"Wrong\" example), but reports:\n{compiled.Describe(visible)}\n--- code\n{snippet.Code}");
            Diagnostic[] others = visible.Where(d => d.Id != id).ToArray();
            Assert.True(others.Length == 0,
                $"{name} must report {id} and nothing else, but also reports:\n{compiled.Describe(others)}\n--- code\n{snippet.Code}");
        }
        else
        {
            Assert.True(visible.Length == 0,
                $"{name} must compile with no error, no warning and no UFFD diagnostic, but reports:\n{compiled.Describe(visible)}\n--- code\n{snippet.Code}");
        }
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Program_runs_and_prints_what_the_document_shows(string name) => RunsAndPrintsWhatTheDocumentShows(name);

    [Theory]
    [MemberData(nameof(RegionPrograms))]
    // Root only: the documents' regions keep the default UserModeOnly = Forbid, as a reader's first region does, and a
    // uffd that serves kernel-mode faults needs CAP_SYS_PTRACE while vm.unprivileged_userfaultfd is 0.
    [Trait("Requires", "root")]
    public void Program_with_a_region_runs_and_prints_what_the_document_shows(string name) => RunsAndPrintsWhatTheDocumentShows(name);

    /// <summary>True when the program, or a block compiled with it, declares a region that refuses a user-mode-only uffd.</summary>
    private static bool OpensDefaultRegion(Snippet program) =>
        MarkdownSnippets.All
            .Where(s => s == program || (s.Document == program.Document && s.FileName is { } file && program.With.Contains(file)))
            .Any(s => s.Code.Contains("[FaultRegion", StringComparison.Ordinal) && !s.Code.Contains("UserModeOnly = UserModeOnlyPolicy.", StringComparison.Ordinal));

    private static void RunsAndPrintsWhatTheDocumentShows(string name)
    {
        Snippet snippet = MarkdownSnippets.Named(name);
        CompiledSnippet compiled = SnippetCompiler.Compile(snippet);
        Assert.True(!compiled.Visible.Any(), $"{name} does not compile cleanly:\n{compiled.Describe(compiled.Visible)}");

        ChildResult result = SnippetProgram.Run(snippet, compiled);

        Assert.True(result.ExitCode == 0, $"{name} exited with {result.ExitCode}:\n{result}");
        IReadOnlyList<string> expected = SnippetProgram.ExpectedOutput(snippet);
        string[] printed = result.Stdout.Split('\n').Select(l => l.TrimEnd()).ToArray();
        int end = printed.Length;
        while (end > 0 && printed[end - 1].Length == 0)
        {
            end--;
        }

        Assert.True(expected.SequenceEqual(printed[..end]),
            $"{name} must print what its document shows:\n--- expected\n{string.Join('\n', expected)}\n--- printed\n{string.Join('\n', printed[..end])}\n--- stderr\n{result.Stderr}");
    }

    [Theory]
    [MemberData(nameof(GeneratedSources))]
    public void Generated_source_is_what_the_generator_writes(string name)
    {
        Snippet snippet = MarkdownSnippets.Named(name);
        CompiledSnippet compiled = SnippetCompiler.Compile(snippet);
        (string hintName, string text) = Assert.Single(compiled.Generated);
        string actual = GeneratorVersion.Scrub(text);
        string shown = snippet.Code.Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.True(actual == shown,
            $"{name} is not what the generator writes for {snippet.From} ({hintName}): {FirstDifference(shown, actual)}");
    }

    private static string FirstDifference(string shown, string actual)
    {
        string[] expected = shown.Split('\n');
        string[] written = actual.Split('\n');
        for (int i = 0; i < Math.Max(expected.Length, written.Length); i++)
        {
            string? e = i < expected.Length ? expected[i] : null;
            string? a = i < written.Length ? written[i] : null;
            if (e != a)
            {
                return $"first difference at line {i + 1} of the block:\n  shown:   {e ?? "<end of block>"}\n  written: {a ?? "<end of file>"}";
            }
        }

        return "texts differ";
    }
}
