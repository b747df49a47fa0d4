using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Uffd.Analyzers.CodeFixes;

/// <summary>Adding <c>partial</c> to a type declaration, in the place C# requires (just before the keyword).</summary>
internal static class PartialModifier
{
    public static bool CanAdd(SyntaxNode node) =>
        node is ClassDeclarationSyntax or StructDeclarationSyntax or RecordDeclarationSyntax
        && !((TypeDeclarationSyntax)node).Modifiers.Any(SyntaxKind.PartialKeyword);

    /// <summary>Registers the edit; <see cref="SyntaxEditor"/> applies nested ones (a type and its containers) correctly.</summary>
    public static void Add(SyntaxEditor editor, TypeDeclarationSyntax declaration) =>
        editor.ReplaceNode(declaration, static (current, generator) =>
            generator.WithModifiers(current, generator.GetModifiers(current).WithPartial(true)));
}
