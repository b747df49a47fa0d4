using System.IO;
using Microsoft.CodeAnalysis;
using Uffd.Analyzers.Tests.Infrastructure;
using Uffd.Tests.Shared;

namespace Uffd.Analyzers.Tests.Corpus;

/// <summary>
/// One program of the corpus under <c>Corpus/Programs</c>: a file under <c>Correct/</c> must draw no UFFD diagnostic, a
/// file under <c>Bad/</c> must draw exactly the rules its header names. Header lines (before any code):
/// <list type="bullet">
/// <item><c>// corpus: expect UFFD0041 [UFFD0042 …]</c>: the rules a bad variant must draw, and the only ones it may.</item>
/// <item><c>// corpus: known-miss REASON</c>: a bad variant the rules do not catch yet; it counts against recall, and the
/// test fails once it is caught so the marker cannot outlive the miss.</item>
/// <item><c>// corpus: exe</c>: compile as a console application (top-level statements or <c>Main</c>).</item>
/// <item><c>// corpus: compiler-errors</c>: a bad variant the C# compiler also rejects (a rule that explains a CS error).</item>
/// </list>
/// </summary>
internal sealed record CorpusProgram(
    string Name,
    string Text,
    bool IsCorrect,
    IReadOnlyList<string> ExpectedIds,
    string? KnownMiss,
    OutputKind Kind,
    bool AllowsCompilerErrors)
{
    private const string HeaderPrefix = "// corpus:";

    public static string Root { get; } = Path.Combine(BuildMetadata.RepositoryRoot, "tests", "Uffd.Analyzers.Tests", "Corpus", "Programs");

    private static readonly Lazy<IReadOnlyList<CorpusProgram>> LazyAll = new(() =>
        Directory.EnumerateFiles(Root, "*.cs", SearchOption.AllDirectories)
            .Select(Load)
            .OrderBy(program => program.Name, StringComparer.Ordinal)
            .ToList());

    public static IReadOnlyList<CorpusProgram> All => LazyAll.Value;

    public static IEnumerable<CorpusProgram> Correct => All.Where(program => program.IsCorrect);

    public static IEnumerable<CorpusProgram> Bad => All.Where(program => !program.IsCorrect);

    private static CorpusProgram Load(string path)
    {
        string name = Path.GetRelativePath(Root, path).Replace('\\', '/');
        string text = File.ReadAllText(path);
        bool isCorrect = name.StartsWith("Correct/", StringComparison.Ordinal);
        if (!isCorrect && !name.StartsWith("Bad/", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{name}: corpus programs live under Correct/ or Bad/.");
        }

        var expected = new List<string>();
        string? knownMiss = null;
        OutputKind kind = OutputKind.DynamicallyLinkedLibrary;
        bool allowsErrors = false;
        foreach (string line in text.Split('\n').Select(l => l.Trim()).TakeWhile(l => l.StartsWith("//", StringComparison.Ordinal)))
        {
            if (!line.StartsWith(HeaderPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            string[] words = line.Substring(HeaderPrefix.Length).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (words.FirstOrDefault())
            {
                case "expect":
                    expected.AddRange(words.Skip(1));
                    break;
                case "known-miss":
                    knownMiss = string.Join(' ', words.Skip(1));
                    break;
                case "exe":
                    kind = OutputKind.ConsoleApplication;
                    break;
                case "compiler-errors":
                    allowsErrors = true;
                    break;
                default:
                    throw new InvalidDataException($"{name}: unknown corpus header '{line}'.");
            }
        }

        if (isCorrect && (expected.Count > 0 || knownMiss is not null || allowsErrors))
        {
            throw new InvalidDataException($"{name}: a correct program takes no expect, known-miss or compiler-errors header.");
        }

        if (!isCorrect && expected.Count == 0)
        {
            throw new InvalidDataException($"{name}: a bad variant names the rules it must draw with '// corpus: expect UFFDnnnn'.");
        }

        if (expected.Any(id => !id.StartsWith("UFFD", StringComparison.Ordinal)))
        {
            throw new InvalidDataException($"{name}: expect names UFFD rules only.");
        }

        return new CorpusProgram(name, text, isCorrect, expected, knownMiss, kind, allowsErrors);
    }

    public override string ToString() => Name;
}
