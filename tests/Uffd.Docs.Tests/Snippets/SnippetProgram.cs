using System.IO;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Emit;
using Uffd.Tests.Shared;

namespace Uffd.Docs.Tests.Snippets;

/// <summary>Runs a program snippet as a child process and says what its document shows it printing.</summary>
internal static partial class SnippetProgram
{
    /// <summary>
    /// The lines the document shows the program printing: its output block if it has one; otherwise the trailing
    /// comment of each <c>Console.WriteLine(...);</c>, in source order, where a C# character or string literal
    /// (<c>// 'f'</c>) stands for its value; otherwise nothing.
    /// </summary>
    public static IReadOnlyList<string> ExpectedOutput(Snippet snippet)
    {
        if (snippet.OutputBlock is { } block)
        {
            return TrimTrailingEmpty(block.Select(l => l.TrimEnd()).ToList());
        }

        SyntaxNode root = CSharpSyntaxTree.ParseText(snippet.Code, SnippetCompiler.ParseOptions).GetRoot();
        var expected = new List<string>();
        foreach (ExpressionStatementSyntax statement in root.DescendantNodes().OfType<ExpressionStatementSyntax>())
        {
            if (statement.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }
                && access.ToString() is "Console.WriteLine" or "System.Console.WriteLine"
                && statement.GetTrailingTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia)) is { } comment
                && comment != default)
            {
                string text = comment.ToString()[2..].Trim();
                expected.Add(SyntaxFactory.ParseExpression(text) is LiteralExpressionSyntax literal
                    && literal.Kind() is SyntaxKind.CharacterLiteralExpression or SyntaxKind.StringLiteralExpression
                    && !literal.ContainsDiagnostics
                    && literal.FullSpan.Length == text.Length
                        ? literal.Token.ValueText
                        : text);
            }
        }

        return expected;
    }

    /// <summary>
    /// Where programs are emitted: <c>snippets/</c> under the test output directory, or, when the test host may not
    /// write there (the suite's run as nobody over a tree root built), a temporary directory of its own.
    /// </summary>
    private static readonly Lazy<string> Root = new(WritableRoot);

    /// <summary>Emits the program next to a copy of Uffd.Runtime with a runtimeconfig, and runs it with a bound.</summary>
    public static ChildResult Run(Snippet snippet, CompiledSnippet compiled)
    {
        string program = Path.Combine(Root.Value, NotPathSafe().Replace(snippet.Name, "_"), "Snippet");
        string dll = program + ".dll";
        string directory = Path.GetDirectoryName(dll)!;
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        using (FileStream image = File.Create(dll))
        {
            EmitResult emitted = compiled.Output.Emit(image);
            Assert.True(emitted.Success, $"{snippet.Name} does not emit:\n{compiled.Describe(emitted.Diagnostics)}");
        }

        File.Copy(typeof(Userfaultfd).Assembly.Location, Path.Combine(directory, "Uffd.Runtime.dll"));
        File.WriteAllText(Path.Combine(directory, "Snippet.runtimeconfig.json"), $$"""
            {
              "runtimeOptions": {
                "tfm": "net10.0",
                "framework": { "name": "Microsoft.NETCore.App", "version": "{{Environment.Version}}" }
              }
            }
            """);

        // Child.Run kills a program still running after its bound and fails the test with what it printed.
        return Child.Run(program, Privilege.Root);
    }

    private static string WritableRoot()
    {
        string inOutput = Path.Combine(AppContext.BaseDirectory, "snippets");
        try
        {
            Directory.CreateDirectory(inOutput);
            File.WriteAllText(Path.Combine(inOutput, ".writable"), "");
            return inOutput;
        }
        catch (UnauthorizedAccessException)
        {
            DirectoryInfo temporary = Directory.CreateTempSubdirectory("uffd-snippets-");
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try
                {
                    temporary.Delete(recursive: true);
                }
                catch (IOException)
                {
                }
            };
            return temporary.FullName;
        }
    }

    private static List<string> TrimTrailingEmpty(List<string> lines)
    {
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    [GeneratedRegex("[^A-Za-z0-9.-]+")]
    private static partial Regex NotPathSafe();
}
