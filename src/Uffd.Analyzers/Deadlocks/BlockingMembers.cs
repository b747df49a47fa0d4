using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// The curated list of BCL members that block the calling thread (sync-over-async, wait handles, blocking collections,
/// <c>Parallel</c>, sleeps and joins), resolved once per compilation and recognized by symbol. A wait given a timeout
/// of zero only polls and does not block; a <c>Try</c> member blocks only when it is given a timeout.
/// </summary>
internal sealed class BlockingMembers
{
    private readonly ImmutableArray<(INamedTypeSymbol Type, ImmutableHashSet<string> Names)> members;
    private readonly INamedTypeSymbol? timeSpan;

    public BlockingMembers(Compilation compilation)
    {
        timeSpan = compilation.GetTypeByMetadataName("System.TimeSpan");
        var builder = ImmutableArray.CreateBuilder<(INamedTypeSymbol, ImmutableHashSet<string>)>();
        void Add(string metadataName, params string[] names)
        {
            if (compilation.GetTypeByMetadataName(metadataName) is { } type)
            {
                builder.Add((type, ImmutableHashSet.Create(names)));
            }
        }

        // Sync-over-async.
        Add("System.Threading.Tasks.Task", "Wait", "WaitAll", "WaitAny");
        Add("System.Threading.Tasks.Task`1", "Result", "Wait");
        Add("System.Threading.Tasks.ValueTask`1", "Result");
        Add("System.Runtime.CompilerServices.TaskAwaiter", "GetResult");
        Add("System.Runtime.CompilerServices.TaskAwaiter`1", "GetResult");
        Add("System.Runtime.CompilerServices.ValueTaskAwaiter", "GetResult");
        Add("System.Runtime.CompilerServices.ValueTaskAwaiter`1", "GetResult");
        Add("System.Runtime.CompilerServices.ConfiguredTaskAwaitable+ConfiguredTaskAwaiter", "GetResult");
        Add("System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1+ConfiguredTaskAwaiter", "GetResult");
        Add("System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable+ConfiguredValueTaskAwaiter", "GetResult");
        Add("System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable`1+ConfiguredValueTaskAwaiter", "GetResult");

        // Threads, monitors and the slim primitives.
        Add("System.Threading.Thread", "Sleep", "Join");
        Add("System.Threading.Monitor", "Wait");
        Add("System.Threading.SemaphoreSlim", "Wait");
        Add("System.Threading.ManualResetEventSlim", "Wait");
        Add("System.Threading.CountdownEvent", "Wait");
        Add("System.Threading.Barrier", "SignalAndWait");
        Add("System.Threading.SpinWait", "SpinUntil");

        // Wait handles (ManualResetEvent, AutoResetEvent, Mutex, Semaphore, EventWaitHandle inherit these).
        Add("System.Threading.WaitHandle", "WaitOne", "WaitAll", "WaitAny", "SignalAndWait");

        // Blocking collections and work that waits for other threads.
        Add("System.Collections.Concurrent.BlockingCollection`1", "Take", "TakeFromAny", "GetConsumingEnumerable", "TryTake", "TryTakeFromAny");
        Add("System.Threading.Tasks.Parallel", "For", "ForEach", "Invoke");
        Add("System.Linq.ParallelEnumerable", "AsParallel"); // PLINQ: the query's enumeration waits for its workers
        Add("System.Diagnostics.Process", "WaitForExit");
        members = builder.ToImmutable();
    }

    /// <summary>True when the member is on the list, whatever its arguments.</summary>
    public bool IsListed(ISymbol member)
    {
        INamedTypeSymbol? type = member.ContainingType?.OriginalDefinition;
        if (type is null)
        {
            return false;
        }

        foreach ((INamedTypeSymbol candidate, ImmutableHashSet<string> names) in members)
        {
            if (SymbolEqualityComparer.Default.Equals(type, candidate) && names.Contains(member.Name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when this call of a listed member waits: not when a timeout argument is zero (<c>Wait(0)</c>,
    /// <c>WaitOne(TimeSpan.Zero)</c> poll), and for a <c>Try</c> member only when a non-zero timeout is given.
    /// </summary>
    public bool Waits(IInvocationOperation invocation)
    {
        bool hasTimeout = false;
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (argument.Parameter is not { } parameter || !IsTimeoutParameter(parameter))
            {
                continue;
            }

            if (argument.ArgumentKind == ArgumentKind.DefaultValue || IsZero(argument.Value))
            {
                return false;
            }

            hasTimeout = true;
        }

        return !invocation.TargetMethod.Name.StartsWith("Try", StringComparison.Ordinal) || hasTimeout;
    }

    private bool IsTimeoutParameter(IParameterSymbol parameter)
    {
        bool timeoutType = parameter.Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_UInt32
            || SymbolEqualityComparer.Default.Equals(parameter.Type, timeSpan);
        return timeoutType
            && (parameter.Name.IndexOf("timeout", StringComparison.OrdinalIgnoreCase) >= 0 || parameter.Name == "milliseconds");
    }

    /// <summary>A constant 0, <c>TimeSpan.Zero</c>, <c>default(TimeSpan)</c> or <c>TimeSpan.FromX(0)</c>.</summary>
    private bool IsZero(IOperation value)
    {
        while (value is IConversionOperation conversion)
        {
            value = conversion.Operand;
        }

        if (value.ConstantValue is { HasValue: true, Value: { } constant })
        {
            // Only numbers: broken code may bind a string or a bool to the timeout, which is not zero (and must not throw).
            return constant switch
            {
                int number => number == 0,
                long number => number == 0,
                uint number => number == 0,
                double number => number == 0,
                _ => false,
            };
        }

        return value switch
        {
            IFieldReferenceOperation { Field.Name: "Zero" } field => SymbolEqualityComparer.Default.Equals(field.Field.ContainingType, timeSpan),
            IDefaultValueOperation => SymbolEqualityComparer.Default.Equals(value.Type, timeSpan),
            IInvocationOperation { Arguments.Length: 1 } call when call.TargetMethod.Name.StartsWith("From", StringComparison.Ordinal)
                && SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, timeSpan) => IsZero(call.Arguments[0].Value),
            _ => false,
        };
    }
}
