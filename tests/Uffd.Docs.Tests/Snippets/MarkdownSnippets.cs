using System.IO;
using System.Reflection;
using System.Text.RegularExpressions;
using Uffd.Tests.Shared;

namespace Uffd.Docs.Tests.Snippets;

/// <summary>
/// Reads every fenced C# block of README.md and docs/**/*.md, with the marker (an HTML comment on the line right
/// before the fence, <c>&lt;!-- snippet: KIND ... --&gt;</c>) that says how to check it. The convention is described in
/// DEVELOPERS.md, "Documentation snippets". A marker this reader does not understand is a problem the tests report,
/// never a reason to skip a block.
/// </summary>
internal static partial class MarkdownSnippets
{
    public static readonly string Root = BuildMetadata.RepositoryRoot;

    private static readonly Lazy<(IReadOnlyList<Snippet> Snippets, IReadOnlyList<string> Problems)> LazyAll = new(ReadAll);

    /// <summary>Every C# block of the documents, in document order.</summary>
    public static IReadOnlyList<Snippet> All => LazyAll.Value.Snippets;

    /// <summary>Markers that are wrong or misplaced, each naming its document and line.</summary>
    public static IReadOnlyList<string> Problems => LazyAll.Value.Problems;

    /// <summary>The documents whose snippets are checked: README.md and every Markdown file under docs/.</summary>
    public static IEnumerable<string> Documents() =>
        new[] { Path.Combine(Root, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal));

    public static Snippet Named(string name) => All.Single(s => s.Name == name);

    private static (IReadOnlyList<Snippet>, IReadOnlyList<string>) ReadAll()
    {
        var snippets = new List<Snippet>();
        var problems = new List<string>();
        foreach (string path in Documents())
        {
            string document = Path.GetRelativePath(Root, path).Replace('\\', '/');
            Read(document, File.ReadAllText(path), snippets, problems);
        }

        foreach (IGrouping<string, Snippet> duplicate in snippets.GroupBy(s => s.Name).Where(g => g.Count() > 1))
        {
            problems.Add($"{duplicate.Key}: two blocks have this name (the same heading twice in one document); rename a heading");
        }

        return (snippets, problems);
    }

    /// <summary>Adds the C# blocks of one document to <paramref name="snippets"/> and what is wrong with its markers to <paramref name="problems"/>.</summary>
    public static void Read(string document, string text, List<Snippet> snippets, List<string> problems)
    {
        string[] lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        string? pageId = DiagnosticsPage().Match(document) is { Success: true } page ? page.Groups[1].Value : null;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var markers = new List<Marker>();
        string heading = "";
        string section = "";
        int indexUnderHeading = 0;
        Marker? marker = null;
        Snippet? lastProgram = null;

        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (MarkerLine().Match(line) is { Success: true } markerMatch)
            {
                if (marker is not null)
                {
                    problems.Add($"{document}:{marker.Line}: a marker must be followed by a fenced block");
                }

                marker = Marker.Parse(markerMatch.Groups[1].Value, document, i + 1, problems);
                continue;
            }

            if (OpeningFence().Match(line) is { Success: true } fence)
            {
                string fenceText = fence.Groups[1].Value;
                string language = fence.Groups[2].Value.ToLowerInvariant();
                int start = i + 1;
                int end = start;
                while (end < lines.Length && !IsClosingFence(lines[end], fenceText))
                {
                    end++;
                }

                if (end == lines.Length)
                {
                    problems.Add($"{document}:{i + 1}: the fence is never closed");
                }

                string[] body = lines[start..Math.Min(end, lines.Length)];
                i = end;

                if (language is "csharp" or "cs" or "c#")
                {
                    Marker m = marker ?? Marker.Default;
                    if (m.IsOutput)
                    {
                        problems.Add($"{document}:{m.Line}: an output marker belongs on the block that shows a program's output, not on C#");
                        m = Marker.Default;
                    }

                    var snippet = new Snippet(
                        document,
                        heading,
                        ++indexUnderHeading,
                        start + 1,
                        string.Join('\n', body) + "\n",
                        m.Kind,
                        m.Parameters,
                        m.Name,
                        m.With,
                        m.From,
                        pageId is not null && section == "Wrong" ? pageId : null,
                        OutputBlock: null);
                    if (m.Name is not null && !names.Add(m.Name))
                    {
                        problems.Add($"{document}:{m.Line}: two blocks are named {m.Name}");
                    }

                    snippets.Add(snippet);
                    markers.Add(m);
                    if (snippet.Kind == SnippetKind.Program)
                    {
                        lastProgram = snippet;
                    }
                }
                else if (marker is { IsOutput: true })
                {
                    if (lastProgram is null)
                    {
                        problems.Add($"{document}:{marker.Line}: an output block must follow the program whose output it shows");
                    }
                    else if (lastProgram.OutputBlock is not null)
                    {
                        problems.Add($"{document}:{marker.Line}: {lastProgram.Name} already has an output block");
                    }
                    else
                    {
                        Snippet withOutput = lastProgram with { OutputBlock = body };
                        snippets[snippets.IndexOf(lastProgram)] = withOutput;
                        lastProgram = withOutput;
                    }
                }
                else if (marker is not null)
                {
                    problems.Add($"{document}:{marker.Line}: only C# blocks and output blocks take a snippet marker, not ```{language}");
                }

                marker = null;
                continue;
            }

            if (Heading().Match(line) is { Success: true } h)
            {
                heading = h.Groups[2].Value.Trim();
                if (h.Groups[1].Value.Length <= 2)
                {
                    section = heading;
                }

                indexUnderHeading = 0;
            }

            if (marker is not null && line.Trim().Length > 0)
            {
                problems.Add($"{document}:{marker.Line}: a marker must be on the line right before a fenced block");
                marker = null;
            }
        }

        if (marker is not null)
        {
            problems.Add($"{document}:{marker.Line}: a marker must be followed by a fenced block");
        }

        foreach (Marker m in markers)
        {
            foreach (string other in m.With.Append(m.From).OfType<string>())
            {
                if (!names.Contains(other))
                {
                    problems.Add($"{document}:{m.Line}: no block of this document is named {other}");
                }
                else if (other == m.Name)
                {
                    problems.Add($"{document}:{m.Line}: a block cannot be compiled with itself");
                }
            }
        }
    }

    private static bool IsClosingFence(string line, string fence)
    {
        string trimmed = line.Trim();
        return trimmed.Length >= fence.Length && trimmed.All(c => c == fence[0]);
    }

    [GeneratedRegex(@"^docs/diagnostics/(UFFD\d{4})\.md$")]
    private static partial Regex DiagnosticsPage();

    [GeneratedRegex(@"^\s*<!--\s*snippet:(.*?)-->\s*$")]
    private static partial Regex MarkerLine();

    [GeneratedRegex(@"^ {0,3}(`{3,}|~{3,})\s*([^\s`{]*)")]
    private static partial Regex OpeningFence();

    [GeneratedRegex(@"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")]
    private static partial Regex Heading();

    /// <summary>A parsed marker: <c>KIND[(PARAMETERS)] [NAME.cs] [with NAME.cs ...] [from NAME.cs]</c>.</summary>
    private sealed record Marker(SnippetKind Kind, bool IsOutput, string? Parameters, string? Name, IReadOnlyList<string> With, string? From, int Line)
    {
        public static readonly Marker Default = new(SnippetKind.File, false, null, null, Array.Empty<string>(), null, 0);

        public static Marker Parse(string text, string document, int line, List<string> problems)
        {
            void Problem(string what) => problems.Add($"{document}:{line}: {what} in <!-- snippet:{text}-->");

            string spec = text.Trim();
            int kindEnd = 0;
            while (kindEnd < spec.Length && char.IsAsciiLetter(spec[kindEnd]))
            {
                kindEnd++;
            }

            string kindWord = spec[..kindEnd];
            string rest = spec[kindEnd..];
            string? parameters = null;
            if (rest.StartsWith('('))
            {
                int depth = 0;
                int close = -1;
                for (int i = 0; i < rest.Length && close < 0; i++)
                {
                    depth += rest[i] switch { '(' => 1, ')' => -1, _ => 0 };
                    if (depth == 0)
                    {
                        close = i;
                    }
                }

                if (close < 0)
                {
                    Problem("unbalanced parentheses");
                    close = rest.Length - 1;
                }

                parameters = rest[1..close].Trim();
                rest = rest[(close + 1)..];
            }

            bool isOutput = kindWord == "output";
            SnippetKind kind = SnippetKind.File;
            switch (kindWord)
            {
                case "file": kind = SnippetKind.File; break;
                case "program": kind = SnippetKind.Program; break;
                case "fragment": kind = SnippetKind.Fragment; parameters ??= ""; break;
                case "signatures": kind = SnippetKind.Signatures; break;
                case "generated": kind = SnippetKind.Generated; break;
                case "output": break;
                default: Problem($"unknown kind '{kindWord}' (file, program, fragment(...), signatures, generated, output)"); break;
            }

            if (parameters is not null && kind != SnippetKind.Fragment)
            {
                Problem("only a fragment takes parameters");
            }

            string? name = null;
            string? from = null;
            var with = new List<string>();
            string? clause = null;
            foreach (string token in rest.Split(new[] { ' ', ',' }, StringSplitOptions.RemoveEmptyEntries))
            {
                if (token is "with" or "from")
                {
                    clause = token;
                }
                else if (!token.EndsWith(".cs", StringComparison.Ordinal))
                {
                    Problem($"'{token}' is not a block name (NAME.cs), 'with' or 'from'");
                }
                else if (clause == "with")
                {
                    with.Add(token);
                }
                else if (clause == "from" && from is null)
                {
                    from = token;
                }
                else if (clause is null && name is null)
                {
                    name = token;
                }
                else
                {
                    Problem($"unexpected '{token}'");
                }
            }

            if (kind == SnippetKind.Generated != (from is not null))
            {
                Problem("generated source, and only generated source, names the block it comes 'from'");
            }

            if (isOutput && (name is not null || with.Count > 0 || from is not null))
            {
                Problem("an output block takes no names");
            }

            return new Marker(kind, isOutput, parameters, name, with, from, line);
        }
    }
}
