namespace Uffd.Docs.Tests.Snippets;

/// <summary>How a snippet is compiled (and whether it runs); set by its <c>&lt;!-- snippet: ... --&gt;</c> marker.</summary>
internal enum SnippetKind
{
    /// <summary>A whole C# file (top-level statements allowed). The default.</summary>
    File,
    /// <summary>A whole C# file that is also run: it must exit with 0 and print what the document shows.</summary>
    Program,
    /// <summary>Statements: compiled as the body of a method whose parameters the marker gives.</summary>
    Fragment,
    /// <summary>One method signature per line: each is compiled as a member of its own interface.</summary>
    Signatures,
    /// <summary>Generated source: it must equal what the generator writes for another snippet of the document.</summary>
    Generated,
}

/// <summary>One fenced C# block of a document.</summary>
/// <param name="Document">The document's path from the repository root, with '/' separators.</param>
/// <param name="Heading">The nearest heading above the block ("" before the first heading).</param>
/// <param name="Index">1-based position among the C# blocks under that heading.</param>
/// <param name="Line">The document line of the block's first code line (1-based).</param>
/// <param name="Parameters">For a fragment: the parameter list of the method it is the body of.</param>
/// <param name="FileName">The name the marker gives the block, so another block can be compiled with it.</param>
/// <param name="With">Names of blocks of the same document compiled together with this one.</param>
/// <param name="From">For generated source: the block the generator runs over.</param>
/// <param name="ExpectedDiagnostic">On a diagnostics page, for a block under "Wrong": the page's own ID.</param>
/// <param name="OutputBlock">For a program: the lines of the output block marked for it, if the document has one.</param>
internal sealed record Snippet(
    string Document,
    string Heading,
    int Index,
    int Line,
    string Code,
    SnippetKind Kind,
    string? Parameters,
    string? FileName,
    IReadOnlyList<string> With,
    string? From,
    string? ExpectedDiagnostic,
    IReadOnlyList<string>? OutputBlock)
{
    /// <summary>Stable and unique: the document, the heading and the position under it.</summary>
    public string Name => $"{Document} > {(Heading.Length == 0 ? "(top)" : Heading)} #{Index}";

    /// <summary>Diagnostics pages show the code a rule is about, not the <c>using Uffd;</c> every such file has.</summary>
    public bool IsOnDiagnosticsPage => Document.StartsWith("docs/diagnostics/", StringComparison.Ordinal);

    public override string ToString() => Name;
}
