using System.Text.RegularExpressions;

namespace Uffd.Docs.Tests.Snippets;

/// <summary>Generated source as the documents (and the generator's approved snapshots) show it.</summary>
internal static partial class GeneratorVersion
{
    /// <summary>"\n" line endings, and the generator's assembly version replaced by "%VERSION%".</summary>
    public static string Scrub(string text) =>
        Pattern().Replace(text.Replace("\r\n", "\n", StringComparison.Ordinal), "GeneratedCode(\"Uffd.Generators\", \"%VERSION%\")");

    [GeneratedRegex("GeneratedCode\\(\"Uffd\\.Generators\", \"[^\"]*\"\\)")]
    private static partial Regex Pattern();
}
