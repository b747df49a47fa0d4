using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers.Declarations;

/// <summary>
/// The shared start of the declaration analyzers: resolve <c>[FaultRegion]</c> once per compilation (and do nothing
/// where Uffd.Runtime is not referenced), then look at every named type; generated code is not analyzed.
/// </summary>
public abstract class RegionTypeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            INamedTypeSymbol? attribute = start.Compilation.GetTypeByMetadataName(RegionDeclarationRules.FaultRegionAttributeMetadataName);
            if (attribute is null)
            {
                return;
            }

            start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, attribute), SymbolKind.NamedType);
        });
    }

    /// <summary>Called for every named type; <paramref name="attribute"/> is <c>Uffd.FaultRegionAttribute</c>.</summary>
    private protected abstract void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol attribute);
}
