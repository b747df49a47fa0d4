using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// UFFD0031: a <c>[PageProvider]</c> or <c>[WriteHandler]</c> (or a hand-written engine callback, see
/// <see cref="HandlerCallbacks"/>) blocks its handler thread: a member of
/// <see cref="BlockingMembers"/> that really waits (not a zero timeout, not a task already known complete, see
/// <see cref="CompletedTaskGuard"/>), or the <c>Protect</c> of a region with synchronous write protection, which waits
/// for span leases. A method or property of the same file that the callback calls, and the factory of a <c>Lazy</c>
/// field whose <c>Value</c> it reads (<see cref="LazyFactories"/>), are looked into one level deep, and the call is
/// reported. Code handed to another thread (<see cref="ElsewhereRunningCode"/>) is not the handler's.
/// </summary>
[DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
public sealed class BlockingCallbackAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.BlockingWaitInCallback);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var waits = new BlockingMembers(start.Compilation);
            var helpers = new ConcurrentDictionary<ISymbol, string?>(SymbolEqualityComparer.Default);
            start.RegisterOperationAction(
                operation => Analyze(operation, waits, helpers), OperationKind.Invocation, OperationKind.PropertyReference);
        });
    }

    private static void Analyze(OperationAnalysisContext context, BlockingMembers waits, ConcurrentDictionary<ISymbol, string?> helpers)
    {
        IOperation operation = context.Operation;
        if (!HandlerCallbacks.IsHandlerCallback(context.ContainingSymbol) || ElsewhereRunningCode.Contains(operation))
        {
            return;
        }

        string? wait = WaitOf(operation, waits);
        if (wait is null && Helper(operation) is { } helper)
        {
            string? inner = helpers.GetOrAdd(helper, method => FirstWaitIn((IMethodSymbol)method, operation, waits));
            wait = inner is null ? null : inner + " in " + (helper.AssociatedSymbol ?? helper).Name;
        }
        else if (wait is null && LazyFactories.FieldOf(operation) is { } lazy)
        {
            string? inner = helpers.GetOrAdd(lazy, field => LazyFactories.Body((IFieldSymbol)field, operation) is { } body ? FirstWait(body, waits) : null);
            wait = inner is null ? null : inner + " in the factory of " + lazy.Name;
        }

        if (wait is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.BlockingWaitInCallback, operation.Syntax.GetLocation(), context.ContainingSymbol.Name, wait,
                HandlerCallbacks.WayOut(context.ContainingSymbol)));
        }
    }

    /// <summary>"Task.Result", "SemaphoreSlim.Wait", ... when <paramref name="operation"/> blocks; null otherwise.</summary>
    private static string? WaitOf(IOperation operation, BlockingMembers waits)
    {
        ISymbol? member;
        IOperation? task;
        switch (operation)
        {
            case IInvocationOperation invocation when IsWaitingProtect(invocation.TargetMethod):
                return Name(invocation.TargetMethod);
            case IInvocationOperation invocation when waits.IsListed(invocation.TargetMethod):
                if (!waits.Waits(invocation))
                {
                    return null;
                }

                member = invocation.TargetMethod;
                // GetResult on an awaiter kept in a local: the guard may check the awaiter's own IsCompleted.
                task = member.Name == "GetResult" ? CompletedTaskGuard.AwaitedTask(invocation.Instance) ?? invocation.Instance
                    : member.Name == "Wait" && !member.IsStatic ? invocation.Instance
                    : null;
                break;
            case IPropertyReferenceOperation { Property.Name: "Result" } property when waits.IsListed(property.Property):
                member = property.Property;
                task = property.Instance;
                break;
            default:
                return null;
        }

        return task is not null && CompletedTaskGuard.IsComplete(task, operation) ? null : Name(member);
    }

    /// <summary>A method or property getter declared in this file (not the generated half, not a callback), or null.</summary>
    private static IMethodSymbol? Helper(IOperation operation)
    {
        IMethodSymbol? method = operation switch
        {
            IInvocationOperation invocation => invocation.TargetMethod,
            IPropertyReferenceOperation property => property.Property.GetMethod,
            _ => null,
        };
        if (method is null || method.MethodKind == MethodKind.LocalFunction || HandlerCallbacks.IsHandlerCallback(method) || RegionSymbols.IsGenerated(method))
        {
            return null;
        }

        method = (method.PartialImplementationPart ?? method).OriginalDefinition;
        foreach (SyntaxReference reference in method.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == operation.Syntax.SyntaxTree)
            {
                return method;
            }
        }

        return null;
    }

    /// <summary>The first wait written directly in the helper's body (one level: its own calls are not followed).</summary>
    private static string? FirstWaitIn(IMethodSymbol helper, IOperation callSite, BlockingMembers waits)
    {
        SemanticModel? model = callSite.SemanticModel;
        if (model is null)
        {
            return null;
        }

        return SameFileHelpers.BodyIn(helper, model) is { } body ? FirstWait(body, waits) : null;
    }

    /// <summary>The first wait written directly in <paramref name="body"/> that runs on the thread executing it.</summary>
    private static string? FirstWait(IOperation body, BlockingMembers waits)
    {
        foreach (IOperation operation in body.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation or IPropertyReferenceOperation
                && !ElsewhereRunningCode.Contains(operation)
                && WaitOf(operation, waits) is { } wait)
            {
                return wait;
            }
        }

        return null;
    }

    private static string Name(ISymbol member) => member.ContainingType.Name + "." + member.Name;

    /// <summary>
    /// <c>Protect</c> of a region with synchronous write protection (or of the engine) waits until no span lease is
    /// open, and a lease holder may itself be waiting for a handler thread to fill a page of its range.
    /// </summary>
    private static bool IsWaitingProtect(IMethodSymbol method)
    {
        if (method.Name != "Protect")
        {
            return false;
        }

        INamedTypeSymbol type = method.ContainingType;
        if (type.OriginalDefinition is { Name: "FaultRegionEngine", Arity: 1 } engine && RegionSymbols.IsRuntimeType(engine))
        {
            return true;
        }

        return RegionSymbols.IsRegion(type)
            && RegionSymbols.IsGenerated(method)
            && Uffd.SourceGeneration.RegionDeclarationRules.ReadOptions(type, out Uffd.SourceGeneration.RegionOptions options) is null
            && options.HasSynchronousWriteProtect;
    }
}
