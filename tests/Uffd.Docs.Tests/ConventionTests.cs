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
        // The README's two programs, and every diagnostics page's examples: a reader that found nothing fails here.
        Assert.Equal(2, all.Count(s => s.Document == "README.md" && s.Kind == SnippetKind.Program));
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
