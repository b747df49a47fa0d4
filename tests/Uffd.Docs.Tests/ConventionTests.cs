using System.IO;
using System.Text.RegularExpressions;
using Uffd.Docs.Tests.Snippets;

namespace Uffd.Docs.Tests;

/// <summary>The snippet markers are understood, and nothing a reader sees as C# escapes the checks.</summary>
public sealed partial class ConventionTests
{
    [Fact]
    public void Every_marker_is_understood_and_in_its_place()
    {
        Assert.True(MarkdownSnippets.Problems.Count == 0, string.Join("\n", MarkdownSnippets.Problems));
    }

    [Fact]
    public void The_documents_hold_the_snippets_the_tests_check()
    {
        IReadOnlyList<Snippet> all = MarkdownSnippets.All;
        // The README's two programs, getting-started's, and enough besides: a reader that found nothing fails here.
        Assert.Contains(all, s => s.Document == "README.md" && s.Heading == "A generated region" && s.Kind == SnippetKind.Program);
        Assert.Contains(all, s => s.Document == "README.md" && s.Heading == "Using the runtime directly" && s.Kind == SnippetKind.Program);
        Assert.Contains(all, s => s.Document == "docs/getting-started.md" && s.Kind == SnippetKind.Program);
        Assert.True(all.Count > 60, $"only {all.Count} snippets found under {MarkdownSnippets.Root}");
    }

    [Fact]
    public void Every_diagnostics_page_has_a_wrong_and_a_right_snippet()
    {
        string[] pages = Directory.GetFiles(Path.Combine(MarkdownSnippets.Root, "docs/diagnostics"), "UFFD*.md");
        Assert.NotEmpty(pages);
        foreach (string page in pages)
        {
            string document = "docs/diagnostics/" + Path.GetFileName(page);
            string id = Path.GetFileNameWithoutExtension(page);
            Snippet[] snippets = MarkdownSnippets.All.Where(s => s.Document == document).ToArray();
            Assert.True(snippets.Any(s => s.ExpectedDiagnostic == id), $"{document}: no C# block under \"## Wrong\"");
            Assert.True(snippets.Any(s => s.Heading == "Right" && s.ExpectedDiagnostic is null), $"{document}: no C# block under \"## Right\"");
        }
    }

    [Fact]
    public void Every_block_that_looks_like_csharp_is_a_csharp_block()
    {
        // A C# example fenced as ```text or left bare would escape the checks: C# fences are ```csharp (or cs, c#).
        var suspicious = new List<string>();
        foreach (string path in MarkdownSnippets.Documents())
        {
            string document = Path.GetRelativePath(MarkdownSnippets.Root, path).Replace('\\', '/');
            string[] lines = File.ReadAllLines(path);
            for (int i = 0; i < lines.Length; i++)
            {
                if (Fence().Match(lines[i]) is not { Success: true } fence)
                {
                    continue;
                }

                string language = fence.Groups[2].Value.ToLowerInvariant();
                int end = i + 1;
                while (end < lines.Length && !lines[end].TrimStart().StartsWith(fence.Groups[1].Value, StringComparison.Ordinal))
                {
                    end++;
                }

                if (language is "" or "text" or "txt" or "console" or "output"
                    && lines[(i + 1)..Math.Min(end, lines.Length)].Any(l => CSharpLooking().IsMatch(l)))
                {
                    suspicious.Add($"{document}:{i + 1}: a ```{language} block that holds C#");
                }

                i = end;
            }
        }

        Assert.True(suspicious.Count == 0, string.Join("\n", suspicious));
    }

    [GeneratedRegex(@"^ {0,3}(`{3,}|~{3,})\s*([^\s`{]*)")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^\s*(using [A-Z][\w.]*;|\[FaultRegion|(public |private |internal )?(static |sealed |partial )*class \w|var \w+ = new )")]
    private static partial Regex CSharpLooking();
}

/// <summary>The reader itself: what it makes of markers, headings and output blocks.</summary>
public sealed class MarkdownSnippetsTests
{
    private static (List<Snippet> Snippets, List<string> Problems) Read(string document, string text)
    {
        var snippets = new List<Snippet>();
        var problems = new List<string>();
        MarkdownSnippets.Read(document, text, snippets, problems);
        return (snippets, problems);
    }

    [Fact]
    public void Blocks_are_named_by_heading_and_position_and_default_to_files()
    {
        (List<Snippet> snippets, List<string> problems) = Read("docs/x.md", """
            ```csharp
            int a = 1;
            ```
            ## Usage
            ```cs
            int b = 2;
            ```
            ```bash
            echo not C#
            ```
            ```c#
            int c = 3;
            ```
            """);
        Assert.Empty(problems);
        Assert.Equal(new[] { "docs/x.md > (top) #1", "docs/x.md > Usage #1", "docs/x.md > Usage #2" }, snippets.Select(s => s.Name));
        Assert.All(snippets, s => Assert.Equal(SnippetKind.File, s.Kind));
        Assert.Equal(new[] { 2, 6, 12 }, snippets.Select(s => s.Line));
    }

    [Fact]
    public void Markers_give_kinds_parameters_names_and_output()
    {
        (List<Snippet> snippets, List<string> problems) = Read("docs/x.md", """
            <!-- snippet: file A.cs -->
            ```csharp
            class A { }
            ```
            <!-- snippet: program with A.cs -->
            ```csharp
            System.Console.WriteLine(new A());
            ```
            <!-- snippet: output -->
            ```
            A
            ```
            <!-- snippet: fragment(Userfaultfd uffd, Func<int, (int, int)> f) -->
            ```csharp
            uffd.Dispose();
            ```
            <!-- snippet: generated from A.cs -->
            ```csharp
            // <auto-generated/>
            ```
            """);
        Assert.Empty(problems);
        Assert.Equal(new[] { SnippetKind.File, SnippetKind.Program, SnippetKind.Fragment, SnippetKind.Generated }, snippets.Select(s => s.Kind));
        Assert.Equal("A.cs", snippets[0].FileName);
        Assert.Equal(new[] { "A.cs" }, snippets[1].With);
        Assert.Equal(new[] { "A" }, snippets[1].OutputBlock);
        Assert.Equal("Userfaultfd uffd, Func<int, (int, int)> f", snippets[2].Parameters);
        Assert.Equal("A.cs", snippets[3].From);
    }

    [Fact]
    public void Wrong_blocks_of_a_diagnostics_page_expect_the_page_id()
    {
        (List<Snippet> snippets, _) = Read("docs/diagnostics/UFFD0099.md", """
            ## Wrong
            ```csharp
            class A { }
            ```
            ### Detail
            ```csharp
            class B { }
            ```
            ## Right
            ```csharp
            class C { }
            ```
            """);
        Assert.Equal(new[] { "UFFD0099", "UFFD0099", null }, snippets.Select(s => s.ExpectedDiagnostic));
        Assert.Null(Read("docs/other.md", "## Wrong\n```csharp\nclass A { }\n```\n").Snippets.Single().ExpectedDiagnostic);
    }

    [Theory]
    [InlineData("<!-- snippet: fragmnet -->\n```csharp\nx();\n```\n", "unknown kind 'fragmnet'")]
    [InlineData("<!-- snippet: program -->\nSome text.\n```csharp\nx();\n```\n", "right before a fenced block")]
    [InlineData("<!-- snippet: program with B.cs -->\n```csharp\nx();\n```\n", "no block of this document is named B.cs")]
    [InlineData("<!-- snippet: generated -->\n```csharp\nx();\n```\n", "names the block it comes 'from'")]
    [InlineData("<!-- snippet: file(int a) -->\n```csharp\nx();\n```\n", "only a fragment takes parameters")]
    [InlineData("<!-- snippet: output -->\n```\nhello\n```\n", "must follow the program")]
    [InlineData("<!-- snippet: program -->\n```bash\nls\n```\n", "only C# blocks and output blocks")]
    [InlineData("```csharp\nx();\n", "never closed")]
    [InlineData("<!-- snippet: program -->\n", "must be followed by a fenced block")]
    public void A_marker_the_reader_does_not_understand_is_a_problem(string markdown, string expected)
    {
        List<string> problems = Read("docs/x.md", markdown).Problems;
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }
}
