using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// Code inside a callback's body that does not run on the handler thread: a lambda handed to <c>Task.Run</c>,
/// <c>Task.Factory.StartNew</c>, <c>ContinueWith</c>, <c>ThreadPool.QueueUserWorkItem</c>, <c>new Thread(...)</c>,
/// <c>new Timer(...)</c>, or a <c>Parallel</c> body (the <c>Parallel</c> call itself is what blocks). A wait there
/// blocks another thread, not the one serving faults. Lambdas given to anything else (LINQ, <c>List.ForEach</c>) may
/// run right here and are not excused.
/// </summary>
internal static class ElsewhereRunningCode
{
    public static bool Contains(IOperation operation)
    {
        for (IOperation? current = operation; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation lambda && IsDispatched(lambda))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsDispatched(IAnonymousFunctionOperation lambda)
    {
        IOperation? parent = lambda.Parent;
        while (parent is IDelegateCreationOperation or IConversionOperation)
        {
            parent = parent.Parent;
        }

        INamedTypeSymbol? receiver = parent is IArgumentOperation argument
            ? argument.Parent switch
            {
                IInvocationOperation invocation => invocation.TargetMethod.ContainingType,
                IObjectCreationOperation creation => creation.Constructor?.ContainingType,
                _ => null,
            }
            : null;
        return receiver?.OriginalDefinition is { } type
            && IsIn(type, "System.Threading.Tasks") is var tasks
            && ((tasks && type.Name is "Task" or "TaskFactory" or "Parallel")
                || (IsIn(type, "System.Threading") && type.Name is "ThreadPool" or "Thread" or "Timer"));
    }

    private static bool IsIn(INamedTypeSymbol type, string ns) => type.ContainingNamespace?.ToDisplayString() == ns;
}
