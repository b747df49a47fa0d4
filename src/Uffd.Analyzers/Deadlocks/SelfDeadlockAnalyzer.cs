using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// UFFD0030: a <c>[PageProvider]</c> or <c>[WriteHandler]</c>, or a method of its class it calls (transitively), touches
/// the region's own memory through the generated <c>AsSpan</c>, <c>AsReadOnlySpan</c>, <c>LeaseSpan</c>,
/// <c>BaseAddress</c>, <c>Read</c>, <c>Write</c>, <c>Prefault</c> or <c>AsStream</c>. The handler thread would fault on its own region and
/// wait for itself (the span accessors make their range present before returning, which is that same fault).
/// <c>AliasSpan</c> (Minor regions) is safe: the alias view is never registered.
/// </summary>
[DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
public sealed class SelfDeadlockAnalyzer : DiagnosticAnalyzer
{
    private static readonly ImmutableHashSet<string> s_memberNames =
        ImmutableHashSet.Create("AsSpan", "AsReadOnlySpan", "LeaseSpan", "BaseAddress", "Read", "Write", "Prefault", "AsStream");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.CallbackTouchesOwnRegion);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolStartAction(StartType, SymbolKind.NamedType);
    }

    private static void StartType(SymbolStartAnalysisContext context)
    {
        var region = (INamedTypeSymbol)context.Symbol;
        if (!RegionSymbols.IsRegion(region))
        {
            return;
        }

        var facts = new TypeFacts();
        context.RegisterOperationAction(
            operation => Record(operation, region, facts),
            OperationKind.Invocation, OperationKind.PropertyReference, OperationKind.MethodReference);
        context.RegisterSymbolEndAction(end => Report(end, region, facts));
    }

    /// <summary>Records, per method of the region type, the own-memory touches and the calls to other methods of the type.</summary>
    private static void Record(OperationAnalysisContext context, INamedTypeSymbol region, TypeFacts facts)
    {
        if (context.ContainingSymbol is not IMethodSymbol caller)
        {
            return;
        }

        ISymbol? target = context.Operation switch
        {
            IInvocationOperation invocation => invocation.TargetMethod,
            IPropertyReferenceOperation reference => reference.Property,
            IMethodReferenceOperation methodReference => methodReference.Method,
            _ => null,
        };
        if (target is null || !SymbolEqualityComparer.Default.Equals(target.ContainingType?.OriginalDefinition, region))
        {
            return;
        }

        MethodFacts callerFacts = facts.For(caller);
        // The generated half declares these members; a user member of the same name is UFFD0006, not a touch.
        if (s_memberNames.Contains(target.Name) && RegionSymbols.IsGenerated(target))
        {
            callerFacts.Touches.Enqueue((MemberAccessLocation(context.Operation), target.Name));
            return;
        }

        if (target is IPropertySymbol property)
        {
            AddCallee(callerFacts, property.GetMethod);
            AddCallee(callerFacts, property.SetMethod);
        }
        else if (target is IMethodSymbol method)
        {
            AddCallee(callerFacts, method);
        }
    }

    private static void AddCallee(MethodFacts facts, IMethodSymbol? method)
    {
        if (method is not null)
        {
            facts.Callees.Enqueue(Key(method));
        }
    }

    /// <summary>Walks from each callback through the calls within the type (each method once) and reports the touches found.</summary>
    private static void Report(SymbolAnalysisContext context, INamedTypeSymbol region, TypeFacts facts)
    {
        var reported = new HashSet<Location>();
        foreach (ISymbol member in region.GetMembers())
        {
            if (member is not IMethodSymbol callback || !RegionSymbols.IsCallback(callback))
            {
                continue;
            }

            var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            var pending = new Stack<IMethodSymbol>();
            pending.Push(Key(callback));
            while (pending.Count > 0)
            {
                IMethodSymbol method = pending.Pop();
                if (!visited.Add(method) || !facts.Methods.TryGetValue(method, out MethodFacts? methodFacts))
                {
                    continue;
                }

                foreach ((Location location, string name) in methodFacts.Touches)
                {
                    if (reported.Add(location))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(
                            DiagnosticDescriptors.CallbackTouchesOwnRegion, location, callback.Name, region.Name, name));
                    }
                }

                foreach (IMethodSymbol callee in methodFacts.Callees)
                {
                    pending.Push(callee);
                }
            }
        }
    }

    /// <summary><c>this.AsSpan</c> / <c>AsSpan</c> of an invocation; the whole reference otherwise.</summary>
    private static Location MemberAccessLocation(IOperation operation) =>
        operation is IInvocationOperation { Syntax: InvocationExpressionSyntax invocation }
            ? invocation.Expression.GetLocation()
            : operation.Syntax.GetLocation();

    private static IMethodSymbol Key(IMethodSymbol method) =>
        (method.PartialImplementationPart ?? method).OriginalDefinition;

    private sealed class TypeFacts
    {
        public ConcurrentDictionary<IMethodSymbol, MethodFacts> Methods { get; } = new(SymbolEqualityComparer.Default);

        public MethodFacts For(IMethodSymbol method) => Methods.GetOrAdd(Key(method), _ => new MethodFacts());
    }

    private sealed class MethodFacts
    {
        public ConcurrentQueue<(Location Location, string Name)> Touches { get; } = new();

        public ConcurrentQueue<IMethodSymbol> Callees { get; } = new();
    }
}
