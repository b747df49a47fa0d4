using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Protocol;

/// <summary>
/// UFFD0050: a resolution with DontWake (or <c>RemoveWriteProtection(..., wake: false)</c>) after which some path
/// ends without a <c>Wake</c> on the same Userfaultfd when the call resolved or found the page present, decided on the
/// control-flow graph (<see cref="WakeFlow"/>, <see cref="OutcomeBranches"/>; docs/diagnostics/UFFD0050.md). A helper
/// that only installs is judged by its callers in the same type, one call deep (<see cref="TypeWakeFacts"/>): quiet
/// when each caller wakes after the call on every path. Calls to methods that wake the same uffd count as wakes.
/// A Warning: whether a thread waits on the range is not known at compile time.
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

            start.RegisterSymbolStartAction(symbolStart => StartType(symbolStart, userfaultfd), SymbolKind.NamedType);
        });
    }

    private static void StartType(SymbolStartAnalysisContext context, INamedTypeSymbol userfaultfd)
    {
        var facts = new TypeWakeFacts(userfaultfd);
        context.RegisterOperationBlockAction(block => facts.Record(block));
        context.RegisterSymbolEndAction(end => Report(end, facts, userfaultfd));
    }

    private static void Report(SymbolAnalysisContext context, TypeWakeFacts facts, INamedTypeSymbol userfaultfd)
    {
        facts.Complete(context.CancellationToken);
        foreach (FunctionGraph function in facts.Graphs)
        {
            foreach (BasicBlock block in function.Graph.Blocks)
            {
                foreach (IOperation operation in FunctionGraph.BlockOperations(block))
                {
                    foreach (IOperation node in operation.DescendantsAndSelf())
                    {
                        if (node is IInvocationOperation invocation
                            && ProtocolOperations.CallsUserfaultfd(invocation, userfaultfd)
                            && SkipsWake(invocation)
                            && ProtocolOperations.ReceiverSymbol(invocation.Instance) is { } receiver
                            && facts.UnwokenPathThrough(function, invocation, receiver) is { } where)
                        {
                            context.ReportDiagnostic(Diagnostic.Create(
                                DiagnosticDescriptors.DontWakeWithoutWake,
                                invocation.Syntax.GetLocation(),
                                invocation.TargetMethod.Name,
                                where));
                        }
                    }
                }
            }
        }
    }

    /// <summary>True for Copy/ZeroPage/Continue/Poison/Move with a constant mode that has DontWake, and RemoveWriteProtection(wake: false).</summary>
    internal static bool SkipsWake(IInvocationOperation invocation)
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
}
