using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers.RangeMath;

/// <summary>
/// UFFD0044: the generated parameterless <c>Open()</c> of a region whose <c>[FaultRegion]</c> gives no <c>Pages</c>
/// always throws; the size must be given to <c>Open(pages)</c>.
/// </summary>
[DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
public sealed class OpenWithoutPagesAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.OpenWithoutPages);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(Analyze, OperationKind.Invocation);
    }

    private static void Analyze(OperationAnalysisContext context)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol method = invocation.TargetMethod;
        if (method.Name != "Open" || method.IsStatic || method.Parameters.Length != 0 || !RegionSymbols.IsRegion(method.ContainingType))
        {
            return;
        }

        if (RegionDeclarationRules.ReadOptions(method.ContainingType, out RegionOptions options) is null && options.Pages <= 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.OpenWithoutPages, invocation.Syntax.GetLocation(), method.ContainingType.Name));
        }
    }
}
