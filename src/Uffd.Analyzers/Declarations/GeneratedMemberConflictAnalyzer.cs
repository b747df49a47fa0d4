using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers.Declarations;

/// <summary>
/// UFFD0006: a <c>[FaultRegion]</c> class (or a base class, non-privately) declares a member the generator writes
/// (<see cref="RegionDeclarationRules.GetGeneratedMemberNames"/>). Reported on the user's member, or on the class
/// name when the member is inherited or is the class's own name. An explicit <c>IDisposable.Dispose</c> counts too:
/// <c>using</c> would call it instead of the generated Dispose.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GeneratedMemberConflictAnalyzer : RegionTypeAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.GeneratedMemberConflict);

    private protected override void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol attribute)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class || RegionSymbols.FindRegionAttribute(type, attribute) is null)
        {
            return;
        }

        // Options that do not read leave the defaults: the members every region gets are still checked.
        RegionDeclarationRules.ReadOptions(type, out RegionOptions options);
        if (RegionDeclarationRules.CheckMemberConflicts(type, options) is null)
        {
            return;
        }

        if (RegionDeclarationRules.FindExplicitDispose(type) is { } explicitDispose)
        {
            Report(context, explicitDispose.Locations.IsEmpty ? Location.None : explicitDispose.Locations[0], type.Name, "IDisposable.Dispose");
        }

        foreach (string name in RegionDeclarationRules.GetGeneratedMemberNames(options))
        {
            if (type.Name == name)
            {
                Report(context, RegionSymbols.NameLocation(type, context.CancellationToken), type.Name, name);
            }

            foreach (ISymbol member in type.GetMembers(name))
            {
                if (!IsGenerated(member) && !member.IsImplicitlyDeclared)
                {
                    Report(context, member.Locations.IsEmpty ? Location.None : member.Locations[0], type.Name, name);
                }
            }

            if (FindInheritedOwner(type, name) is { } owner)
            {
                Report(context, RegionSymbols.NameLocation(type, context.CancellationToken), owner.Name, name);
            }
        }
    }

    /// <summary>The nearest base class (not object) with a non-private member of that name.</summary>
    private static INamedTypeSymbol? FindInheritedOwner(INamedTypeSymbol type, string name)
    {
        for (INamedTypeSymbol? baseType = type.BaseType;
             baseType is not null && baseType.SpecialType != SpecialType.System_Object;
             baseType = baseType.BaseType)
        {
            foreach (ISymbol member in baseType.GetMembers(name))
            {
                if (member.DeclaredAccessibility != Accessibility.Private)
                {
                    return baseType;
                }
            }
        }

        return null;
    }

    private static void Report(SymbolAnalysisContext context, Location location, string owner, string member) =>
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.GeneratedMemberConflict, location, owner, member));

    private static bool IsGenerated(ISymbol member)
    {
        foreach (SyntaxReference reference in member.DeclaringSyntaxReferences)
        {
            if (!reference.SyntaxTree.FilePath.EndsWith(RegionDeclarationRules.GeneratedFileSuffix, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return member.DeclaringSyntaxReferences.Length > 0;
    }
}
