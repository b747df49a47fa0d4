using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers.Declarations;

/// <summary>UFFD0022: a <c>[PageProvider]</c> or <c>[WriteHandler]</c> method in a type without <c>[FaultRegion]</c>.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CallbackOutsideRegionAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.CallbackOutsideRegion);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
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

            start.RegisterSymbolAction(symbolContext => AnalyzeMethod(symbolContext, attribute), SymbolKind.Method);
        });
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, INamedTypeSymbol attribute)
    {
        var method = (IMethodSymbol)context.Symbol;
        INamedTypeSymbol? type = method.ContainingType;
        if (type is null || RegionSymbols.FindRegionAttribute(type, attribute) is not null)
        {
            return;
        }

        string? kind = RegionSymbols.HasRuntimeAttribute(method, "PageProviderAttribute") ? "[PageProvider]"
            : RegionSymbols.HasRuntimeAttribute(method, "WriteHandlerAttribute") ? "[WriteHandler]"
            : null;
        if (kind is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.CallbackOutsideRegion, RegionSymbols.MethodNameLocation(method, context.CancellationToken),
                method.Name, kind, type.Name));
        }
    }
}
