using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// For UFFD0030: code in a callback that runs on another thread while the handler thread goes on serving faults: a
/// lambda handed to <c>Task.Run</c>, the thread pool, a thread or a timer (<see cref="ElsewhereRunningCode"/>). That
/// thread may touch the region: its fault waits for a handler thread that is free to serve it. A <c>Parallel</c> body
/// is not such code for this rule: the handler thread waits for the body, so a body that faults on the region waits
/// for the very thread that waits for it.
/// </summary>
internal static class OffHandlerCode
{
    public static bool Contains(IOperation operation) => ElsewhereRunningCode.Contains(operation) && !InParallelBody(operation);

    private static bool InParallelBody(IOperation operation)
    {
        for (IOperation? current = operation; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation
                && ArgumentOwner(current) is { } owner
                && owner.Name == "Parallel"
                && owner.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks")
            {
                return true;
            }
        }

        return false;
    }

    private static INamedTypeSymbol? ArgumentOwner(IOperation lambda)
    {
        IOperation? parent = lambda.Parent;
        while (parent is IDelegateCreationOperation or IConversionOperation)
        {
            parent = parent.Parent;
        }

        return parent is IArgumentOperation { Parent: IInvocationOperation invocation } ? invocation.TargetMethod.ContainingType : null;
    }
}
