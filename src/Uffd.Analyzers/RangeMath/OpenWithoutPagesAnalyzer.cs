using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers.RangeMath;

/// <summary>
/// UFFD0044: an <c>Open</c> of a region that always throws for want of a page count: the generated parameterless
/// <c>Open()</c> of a region whose <c>[FaultRegion]</c> gives no <c>Pages</c>, or <c>Open(pages)</c> with a constant count
/// that is zero or negative (<c>ArgumentOutOfRangeException</c>). Counts known only at run time are not judged.
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
        if (method.Name != "Open" || method.IsStatic || method.Parameters.Length > 1 || !RegionSymbols.IsRegion(method.ContainingType)
            || !RegionSymbols.IsGenerated(method))
        {
            return;
        }

        string region = method.ContainingType.Name;
        if (method.Parameters.Length == 0)
        {
            if (RegionDeclarationRules.ReadOptions(method.ContainingType, out RegionOptions options) is null && options.Pages <= 0)
            {
                Report(context, invocation, $"'{region}' has no Pages in its [FaultRegion], so Open() throws");
            }

            return;
        }

        if (invocation.Arguments.Length == 1
            && invocation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: long pages }
            && pages <= 0)
        {
            Report(context, invocation, $"Open({pages.ToString(CultureInfo.InvariantCulture)}) on '{region}' throws ArgumentOutOfRangeException, a region has at least one page");
        }
    }

    private static void Report(OperationAnalysisContext context, IInvocationOperation invocation, string reason) =>
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.OpenWithoutPages, invocation.Syntax.GetLocation(), reason));
}
