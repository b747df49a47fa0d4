using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// UFFD0032: a raw address of registered memory (<see cref="RawAddressSources"/>, followed by
/// <see cref="RawAddressTaint"/>) reaches code that dereferences it in managed code: <c>*p</c>, <c>p[i]</c>,
/// <c>p-&gt;f</c>; <c>new Span&lt;T&gt;(p, n)</c>, <c>new ReadOnlySpan&lt;T&gt;(p, n)</c>,
/// <c>new UnmanagedMemoryStream(p, ...)</c>; <c>MemoryMarshal.CreateSpan</c>/<c>CreateReadOnlySpan</c> over
/// <c>Unsafe.AsRef(p)</c>; the pointer members of <c>Unsafe</c>, <c>Buffer.MemoryCopy</c>, <c>NativeMemory.Copy</c>/
/// <c>Fill</c>/<c>Clear</c>; the address arguments of the <c>Marshal</c> copy, read, write and string members. A
/// managed thread that faults there may not be at a GC safe point: the GC waits for it, its handler waits for the
/// GC. Reported on the dereferencing expression; a call that hands the address to a method of the same file which
/// dereferences that parameter is reported on the call. Passing the address anywhere else (P/Invoke, the runtime,
/// methods of other files) is not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RawRegionAccessAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.RawRegionAccess);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (RawAddressSources.Create(start.Compilation) is not { } sources)
            {
                return;
            }

            var dereferences = new RawDereferences(start.Compilation);
            var flows = new ConcurrentDictionary<SyntaxTree, RawAddressFlow>();
            start.RegisterCodeBlockStartAction<SyntaxKind>(block =>
            {
                // One taint index per member body: its locals are indexed once, on the first dereference that needs them.
                // Fields and helpers are followed through one flow per file, shared by every body of that file.
                SemanticModel model = block.SemanticModel;
                RawAddressFlow flow = flows.GetOrAdd(model.SyntaxTree, _ => new RawAddressFlow(sources, dereferences, model));
                var taint = new RawAddressTaint(sources, block.CodeBlock, model, flow);
                block.RegisterSyntaxNodeAction(node => Analyze(node, dereferences, flow, taint), RawDereferences.Kinds);
            });
        });
    }

    /// <summary>The pointer a dereference reads through: <c>p</c> of <c>*p</c>, <c>p[i]</c> and <c>p-&gt;f</c>.</summary>
    internal static ExpressionSyntax? DereferencedPointer(ExpressionSyntax expression) => RawDereferences.DereferencedPointer(expression);

    private static void Analyze(SyntaxNodeAnalysisContext context, RawDereferences dereferences, RawAddressFlow flow, RawAddressTaint taint)
    {
        CancellationToken cancellationToken = context.CancellationToken;
        if (dereferences.At(context.Node, context.SemanticModel, taint, cancellationToken) is { } source)
        {
            Report(context, source.Name, source);
        }
        else if (context.Node is InvocationExpressionSyntax
            && context.SemanticModel.GetOperation(context.Node, cancellationToken) is IInvocationOperation call
            && HelperDereference(call, flow, taint, cancellationToken) is { } handed)
        {
            Report(context, handed.Source.Name + " through " + call.TargetMethod.ContainingType.Name + "." + call.TargetMethod.Name, handed.Source);
        }
    }

    /// <summary>An address argument that a method of the same file dereferences (the parameter's use, one call deep).</summary>
    private static (IArgumentOperation Argument, RawAddressSource Source)? HelperDereference(
        IInvocationOperation call, RawAddressFlow flow, RawAddressTaint taint, CancellationToken cancellationToken)
    {
        if (call.TargetMethod.DeclaringSyntaxReferences.IsEmpty)
        {
            return null;
        }

        foreach (IArgumentOperation argument in call.Arguments)
        {
            if (argument.Parameter is { } parameter
                && taint.SourceOf(argument.Value, cancellationToken) is { } source
                && flow.Dereferences(parameter, cancellationToken))
            {
                return (argument, source);
            }
        }

        return null;
    }

    private static void Report(SyntaxNodeAnalysisContext context, string name, RawAddressSource source) =>
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RawRegionAccess, context.Node.GetLocation(), name, source.Advice));
}
