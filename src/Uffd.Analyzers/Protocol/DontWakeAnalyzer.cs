using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Protocol;

/// <summary>
/// UFFD0050: a resolution with DontWake (or <c>RemoveWriteProtection(..., wake: false)</c>) that no later
/// <c>Wake</c> on the same Userfaultfd follows in the same function. Heuristic (see docs/diagnostics/UFFD0050.md):
/// any <c>Wake</c> call whose receiver names the same local, parameter, field or property and that starts after the
/// call in the source of the same function (lambda and local function bodies are their own functions) counts; its
/// range is not compared and the paths are not checked.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DontWakeAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The DontWake bit, the same in every resolution mode enum (UFFDIO_*_MODE_DONTWAKE = 1 &lt;&lt; 0).</summary>
    private const ulong DontWakeBit = 1;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.DontWakeWithoutWake);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            INamedTypeSymbol? userfaultfd = start.Compilation.GetTypeByMetadataName(ProtocolOperations.UserfaultfdMetadataName);
            if (userfaultfd is null)
            {
                return;
            }

            start.RegisterOperationAction(operationContext => Analyze(operationContext, userfaultfd), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol userfaultfd)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!ProtocolOperations.CallsUserfaultfd(invocation, userfaultfd) || !SkipsWake(invocation))
        {
            return;
        }

        // Only receivers that can be matched with a later Wake are judged; a call on an arbitrary expression is left alone.
        ISymbol? receiver = ProtocolOperations.ReceiverSymbol(invocation.Instance);
        if (receiver is null)
        {
            return;
        }

        IOperation function = ProtocolOperations.FunctionRoot(invocation);
        if (HasLaterWake(function, invocation, receiver, userfaultfd))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.DontWakeWithoutWake,
            invocation.Syntax.GetLocation(),
            invocation.TargetMethod.Name,
            FunctionName(function, context.ContainingSymbol)));
    }

    /// <summary>True for Copy/ZeroPage/Continue/Poison/Move with a constant mode that has DontWake, and RemoveWriteProtection(wake: false).</summary>
    private static bool SkipsWake(IInvocationOperation invocation)
    {
        switch (invocation.TargetMethod.Name)
        {
            case "Copy":
            case "ZeroPage":
            case "Continue":
            case "Poison":
            case "Move":
                IArgumentOperation? mode = ProtocolOperations.Argument(invocation, "mode");
                return mode?.Parameter?.Type.TypeKind == TypeKind.Enum
                    && ProtocolOperations.ConstantBits(mode.Value) is { } bits
                    && (bits & DontWakeBit) != 0;
            case "RemoveWriteProtection":
                IArgumentOperation? wake = ProtocolOperations.Argument(invocation, "wake");
                return wake?.Value.ConstantValue is { HasValue: true, Value: false };
            default:
                return false;
        }
    }

    private static bool HasLaterWake(IOperation function, IInvocationOperation call, ISymbol receiver, INamedTypeSymbol userfaultfd)
    {
        int end = call.Syntax.Span.End;
        foreach (IOperation descendant in function.Descendants())
        {
            if (descendant is IInvocationOperation { TargetMethod.Name: "Wake" } wake
                && wake.Syntax.SpanStart >= end
                && ProtocolOperations.CallsUserfaultfd(wake, userfaultfd)
                && SymbolEqualityComparer.Default.Equals(ProtocolOperations.ReceiverSymbol(wake.Instance), receiver))
            {
                return true;
            }
        }

        return false;
    }

    private static string FunctionName(IOperation function, ISymbol containingSymbol) => function switch
    {
        ILocalFunctionOperation local => local.Symbol.Name,
        _ => containingSymbol.Name,
    };
}
