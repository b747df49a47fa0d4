using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Protocol;

/// <summary>
/// UFFD0052: a UFFDIO_API handshake (a P/Invoke <c>ioctl(fd, UFFDIO_API, ...)</c>, or a helper of the same file that
/// makes one on its parameter) on a descriptor that already had one: a Userfaultfd's <c>Handle</c> (Create did the
/// handshake), or a raw descriptor local to the method on which an earlier handshake can have run. The kernel
/// refuses the second with EINVAL.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SecondHandshakeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.SecondApiHandshake);

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

            var handshakes = new Handshakes(start.Compilation, userfaultfd);
            start.RegisterOperationAction(operationContext => Analyze(operationContext, handshakes), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, Handshakes handshakes)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (handshakes.HandshakeDescriptor(invocation) is not { } fd)
        {
            return;
        }

        string? already = handshakes.UserfaultfdOf(fd);
        if (already is null && ProtocolOperations.Unwrap(fd) is ILocalReferenceOperation local && HandshakenBefore(invocation, local.Local, handshakes))
        {
            already = local.Local.Name;
        }

        if (already is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SecondApiHandshake, invocation.Syntax.GetLocation(), already));
        }
    }

    /// <summary>
    /// True when another handshake on <paramref name="descriptor"/>, a local assigned once, can run before
    /// <paramref name="second"/> in the same function (the man page's "probe, then request" on one descriptor).
    /// </summary>
    private static bool HandshakenBefore(IInvocationOperation second, ILocalSymbol descriptor, Handshakes handshakes)
    {
        IOperation root = ProtocolOperations.MemberRoot(second);
        if (root is not (IMethodBodyBaseOperation or IBlockOperation) || root.SemanticModel is null)
        {
            return false;
        }

        int assignments = 0;
        IInvocationOperation? first = null;
        foreach (IOperation node in root.Descendants())
        {
            switch (node)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, descriptor):
                    assignments += declarator.Initializer is null ? 0 : 1;
                    break;
                case IAssignmentOperation { Target: ILocalReferenceOperation target } when SymbolEqualityComparer.Default.Equals(target.Local, descriptor):
                    assignments++;
                    break;
                case IInvocationOperation other when other != second
                    && other.Syntax.SpanStart < second.Syntax.SpanStart
                    && handshakes.HandshakeDescriptor(other) is { } fd
                    && ProtocolOperations.Unwrap(fd) is ILocalReferenceOperation reference
                    && SymbolEqualityComparer.Default.Equals(reference.Local, descriptor):
                    first ??= other;
                    break;
            }
        }

        if (first is null || assignments != 1)
        {
            return false;
        }

        // Both in one function, and the second reachable from the first (not the other branch of an if).
        ControlFlowGraph? graph = root switch
        {
            IMethodBodyOperation body => ControlFlowGraph.Create(body),
            IConstructorBodyOperation body => ControlFlowGraph.Create(body),
            IBlockOperation body => ControlFlowGraph.Create(body),
            _ => null,
        };
        if (graph is null)
        {
            return false;
        }

        foreach (FunctionGraph function in FunctionGraph.All(graph, null))
        {
            if (function.FindCall(first.Syntax) is { } from && function.FindCall(second.Syntax) is { } to)
            {
                return FunctionGraph.Reaches(from, to);
            }
        }

        return false;
    }
}
