using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Uffd.Generators.Helpers;
using Uffd.Generators.Model;
using Uffd.SourceGeneration;

namespace Uffd.Generators.Parsing;

/// <summary>
/// Turns one <c>[FaultRegion]</c> declaration into a <see cref="RegionSpec"/>, or null when the declaration breaks a
/// rule of <see cref="RegionDeclarationRules"/> (the analyzers report those; the generator stays silent).
/// </summary>
internal static class FaultRegionParser
{
    public static RegionSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type
            || RegionDeclarationRules.Validate(type, context.SemanticModel.Compilation, cancellationToken, out RegionDeclaration declaration) is not null)
        {
            return null;
        }

        RegionOptions options = declaration.Options;
        RegionCallbacks callbacks = declaration.Callbacks;
        return new RegionSpec(
            GetHierarchy(type),
            new RegionSettingsSpec(
                options.Mode,
                options.Pages,
                options.HandlerThreads,
                options.ReadAhead,
                options.Memory,
                options.OnProviderError,
                options.ProtectOnFill,
                options.HasAliasView,
                callbacks.ProviderWritesWholePage,
                options.WriteTracking,
                options.UserModeOnly,
                callbacks.ProviderMaxPagesPerCall,
                options.MaxFaultsInFlight,
                options.ReadAheadMode,
                options.Remote),
            GetCallback(callbacks.Provider, callbacks.ProviderSignature),
            GetCallback(callbacks.WriteHandler, callbacks.WriteHandlerSignature),
            GetLanguageLevel(context.TargetNode.SyntaxTree.Options));
    }

    /// <summary>The generated file is parsed with the project's options, so the declaration's tree tells its (effective) version.</summary>
    private static LanguageLevel GetLanguageLevel(ParseOptions options)
    {
        LanguageVersion version = options is CSharpParseOptions csharp ? csharp.LanguageVersion : LanguageVersion.Latest;
        return version >= LanguageVersion.CSharp9 ? LanguageLevel.CSharp9
            : version >= LanguageVersion.CSharp8 ? LanguageLevel.CSharp8
            : LanguageLevel.CSharp7;
    }

    private static TypeHierarchySpec GetHierarchy(INamedTypeSymbol type)
    {
        string ns = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString();
        ImmutableArray<ContainingTypeSpec>.Builder containers = ImmutableArray.CreateBuilder<ContainingTypeSpec>();
        for (INamedTypeSymbol? container = type.ContainingType; container is not null; container = container.ContainingType)
        {
            containers.Insert(0, new ContainingTypeSpec(GetKeywords(container), Escape(container.Name)));
        }

        return new TypeHierarchySpec(
            ns,
            Escape(type.Name),
            type.Name,
            type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            GeneratedFileName.For(type),
            new EquatableArray<ContainingTypeSpec>(containers.ToImmutable()),
            type.IsSealed);
    }

    private static string GetKeywords(INamedTypeSymbol container) => container switch
    {
        { TypeKind: TypeKind.Struct, IsRecord: true } => "partial record struct",
        { TypeKind: TypeKind.Struct } => "partial struct",
        { IsRecord: true } => "partial record",
        { IsStatic: true } => "static partial class",
        _ => "partial class",
    };

    private static CallbackSpec? GetCallback(IMethodSymbol? method, CallbackSignature? signature) =>
        method is null || signature is null
            ? null
            : new CallbackSpec(
                Escape(method.Name), method.IsStatic, signature.Value.Input, signature.Value.ReturnsPageFill, IsObsolete(method), ExperimentalId(method),
                signature.Value.IsAsynchronous);

    private static bool IsObsolete(IMethodSymbol method)
    {
        foreach (AttributeData attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass is { Name: "ObsoleteAttribute", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The ID of <c>[System.Diagnostics.CodeAnalysis.Experimental("ID")]</c>, when a <c>#pragma</c> can name it.</summary>
    private static string? ExperimentalId(IMethodSymbol method)
    {
        foreach (AttributeData attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass is { Name: "ExperimentalAttribute", ContainingNamespace.Name: "CodeAnalysis" } experimental
                && experimental.ContainingNamespace.ToDisplayString() == "System.Diagnostics.CodeAnalysis"
                && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is string id
                && SyntaxFacts.IsValidIdentifier(id))
            {
                return id;
            }
        }

        return null;
    }

    private static string Escape(string identifier) =>
        SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(identifier) != SyntaxKind.None
            ? "@" + identifier
            : identifier;
}
