using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// Code inside a callback's body that does not run on the handler thread: a lambda or local function handed to
/// <c>Task.Run</c>, <c>Task.Factory.StartNew</c>, <c>ContinueWith</c>, <c>ThreadPool.QueueUserWorkItem</c>,
/// <c>new Thread(...)</c>, <c>new Timer(...)</c>, or a <c>Parallel</c> body (the <c>Parallel</c> call itself is what
/// blocks), directly or through a local holding the delegate. A wait there blocks another thread, not the one serving
/// faults. A delegate that is also called here, or given to anything else (LINQ, <c>List.ForEach</c>), may run right
/// here and is not excused.
/// </summary>
internal static class ElsewhereRunningCode
{
    public static bool Contains(IOperation operation)
    {
        for (IOperation? current = operation; current is not null; current = current.Parent)
        {
            bool elsewhere = current switch
            {
                IAnonymousFunctionOperation lambda => LambdaRunsElsewhere(lambda),
                ILocalFunctionOperation local => LocalFunctionRunsElsewhere(local),
                _ => false,
            };
            if (elsewhere)
            {
                return true;
            }
        }

        return false;
    }

    private static bool LambdaRunsElsewhere(IAnonymousFunctionOperation lambda)
    {
        IOperation? parent = SkipDelegateWrappers(lambda.Parent);
        if (parent is IArgumentOperation argument)
        {
            return IsDispatchArgument(argument);
        }

        // Action refresh = () => ...; the local's uses decide.
        return parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }
            && EveryUseIsDispatched(Root(lambda), declarator.Symbol);
    }

    private static bool LocalFunctionRunsElsewhere(ILocalFunctionOperation local) => EveryUseIsDispatched(Root(local), local.Symbol);

    /// <summary>
    /// True when every use of the local or local function in the body hands it to a dispatcher (or it is never used, so
    /// it never runs); false as soon as one use calls it or passes it anywhere else.
    /// </summary>
    private static bool EveryUseIsDispatched(IOperation root, ISymbol symbol)
    {
        foreach (IOperation use in root.Descendants())
        {
            IOperation? reference = use switch
            {
                ILocalReferenceOperation local when SymbolEqualityComparer.Default.Equals(local.Local, symbol) => local,
                IMethodReferenceOperation method when SymbolEqualityComparer.Default.Equals(method.Method, symbol) => method,
                IInvocationOperation call when SymbolEqualityComparer.Default.Equals(call.TargetMethod, symbol) => call,
                _ => null,
            };
            if (reference is null)
            {
                continue;
            }

            if (reference is IInvocationOperation
                || SkipDelegateWrappers(reference.Parent) is not IArgumentOperation argument
                || !IsDispatchArgument(argument))
            {
                return false;
            }
        }

        return true;
    }

    private static IOperation? SkipDelegateWrappers(IOperation? operation)
    {
        while (operation is IDelegateCreationOperation or IConversionOperation)
        {
            operation = operation.Parent;
        }

        return operation;
    }

    private static bool IsDispatchArgument(IArgumentOperation argument)
    {
        INamedTypeSymbol? receiver = argument.Parent switch
        {
            IInvocationOperation invocation => invocation.TargetMethod.ContainingType,
            IObjectCreationOperation creation => creation.Constructor?.ContainingType,
            _ => null,
        };
        return receiver?.OriginalDefinition is { } type
            && ((IsIn(type, "System.Threading.Tasks") && type.Name is "Task" or "TaskFactory" or "Parallel")
                || (IsIn(type, "System.Threading") && type.Name is "ThreadPool" or "Thread" or "Timer"));
    }

    private static IOperation Root(IOperation operation)
    {
        while (operation.Parent is not null)
        {
            operation = operation.Parent;
        }

        return operation;
    }

    private static bool IsIn(INamedTypeSymbol type, string ns) => type.ContainingNamespace?.ToDisplayString() == ns;
}
