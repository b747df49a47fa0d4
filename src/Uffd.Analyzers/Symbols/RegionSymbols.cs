using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers;

/// <summary>
/// Recognizes region classes, their callbacks and the runtime's types by symbol (never by user names), and finds the
/// places a user clicks on: a region's attribute and its arguments, a type's or method's name.
/// </summary>
internal static class RegionSymbols
{
    /// <summary>True for a class that carries <c>[FaultRegion]</c>.</summary>
    public static bool IsRegion(ITypeSymbol? type) => type is INamedTypeSymbol named && HasRuntimeAttribute(named, "FaultRegionAttribute");

    /// <summary>True for a <c>[PageProvider]</c> or <c>[WriteHandler]</c> method of a <c>[FaultRegion]</c> class.</summary>
    public static bool IsCallback(ISymbol? symbol) =>
        symbol is IMethodSymbol method
        && (HasRuntimeAttribute(method, "PageProviderAttribute") || HasRuntimeAttribute(method, "WriteHandlerAttribute"))
        && IsRegion(method.ContainingType);

    /// <summary>
    /// True for a member the generator declared (in a generated <c>.FaultRegion.g.cs</c> file): <c>BaseAddress</c>,
    /// <c>AsSpan</c>, ... of a region. A user's member of the same name is UFFD0006, not the generated one.
    /// </summary>
    public static bool IsGenerated(ISymbol member)
    {
        foreach (SyntaxReference reference in member.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree.FilePath.EndsWith(RegionDeclarationRules.GeneratedFileSuffix, System.StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for a type of the runtime (namespace <c>Uffd</c> or <c>Uffd.Regions</c>).</summary>
    public static bool IsRuntimeType(ITypeSymbol? type)
    {
        INamespaceSymbol? ns = type?.ContainingNamespace;
        if (ns is null || ns.IsGlobalNamespace)
        {
            return false;
        }

        if (ns.Name == "Regions" && ns.ContainingNamespace is { } parent && !parent.IsGlobalNamespace)
        {
            ns = parent;
        }

        return ns.Name == "Uffd" && ns.ContainingNamespace is { IsGlobalNamespace: true };
    }

    /// <summary>True for <c>Uffd.&lt;name&gt;</c>.</summary>
    public static bool IsRuntimeType(ITypeSymbol? type, string name) => RegionDeclarationRules.IsRuntimeType(type, name);

    /// <summary>The type's <c>[FaultRegion]</c>, or null.</summary>
    public static AttributeData? FindRegionAttribute(INamedTypeSymbol type, INamedTypeSymbol attribute)
    {
        foreach (AttributeData data in type.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute))
            {
                return data;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="symbol"/> carries <c>Uffd.&lt;attributeName&gt;</c>.</summary>
    public static bool HasRuntimeAttribute(ISymbol symbol, string attributeName)
    {
        foreach (AttributeData data in symbol.GetAttributes())
        {
            if (RegionDeclarationRules.IsRuntimeType(data.AttributeClass, attributeName))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The identifier of the first declaration of the type (what a user clicks on).</summary>
    public static Location NameLocation(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is BaseTypeDeclarationSyntax declaration)
            {
                return declaration.Identifier.GetLocation();
            }
        }

        return type.Locations.IsEmpty ? Location.None : type.Locations[0];
    }

    /// <summary>The identifier of a method (its first declaration), or its first location.</summary>
    public static Location MethodNameLocation(IMethodSymbol method, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in method.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is MethodDeclarationSyntax declaration)
            {
                return declaration.Identifier.GetLocation();
            }
        }

        return method.Locations.IsEmpty ? Location.None : method.Locations[0];
    }

    /// <summary>The <c>Name = value</c> argument of the attribute, or the attribute itself when it is not written out.</summary>
    public static Location ArgumentLocation(AttributeData attribute, string name, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax)
        {
            return Location.None;
        }

        if (syntax.ArgumentList is { } arguments)
        {
            foreach (AttributeArgumentSyntax argument in arguments.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == name)
                {
                    return argument.GetLocation();
                }
            }
        }

        return syntax.GetLocation();
    }

    /// <summary>Readable fault kinds of a mode: "Missing", "Missing and Minor", ...</summary>
    public static string DescribeFaults(RegionFaultMode mode)
    {
        bool missing = (mode & RegionFaultMode.Missing) != 0, minor = (mode & RegionFaultMode.Minor) != 0;
        return missing && minor ? "Missing and Minor" : missing ? "Missing" : minor ? "Minor" : "no";
    }
}
