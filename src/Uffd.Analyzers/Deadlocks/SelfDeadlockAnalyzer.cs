using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// UFFD0030: a <c>[PageProvider]</c> or <c>[WriteHandler]</c>, or a method of its class it calls (transitively), reaches
/// the region's own memory: through a generated accessor that touches pages (the
/// <see cref="GeneratedMemberKind.MemoryAccessor"/> rows of <see cref="GeneratedMembers"/>: <c>AsSpan</c>, <c>Read</c>,
/// <c>AsStream</c>, ...), or by dereferencing its <c>BaseAddress</c> (<see cref="OwnAddressDereferences"/>: a pointer
/// cached in a field or returned by a helper of the same file included). The handler thread would fault on its own
/// region and wait for itself. <c>BaseAddress</c>, <c>PageSize</c> and <c>Length</c> used as numbers touch nothing, and
/// neither does <c>AliasSpan</c> (the alias view is never registered), nor code the callback hands to another thread
/// (<see cref="OffHandlerCode"/>). A method of another type in the same file that the callback calls is looked into one
/// level deep (<see cref="OwnRegionHelpers"/>) and reported on the call.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SelfDeadlockAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.CallbackTouchesOwnRegion);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            RawAddressSources? sources = RawAddressSources.Create(start.Compilation);
            var dereferences = new RawDereferences(start.Compilation);
            start.RegisterSymbolStartAction(symbol => StartType(symbol, sources, dereferences), SymbolKind.NamedType);
        });
    }

    private static void StartType(SymbolStartAnalysisContext context, RawAddressSources? sources, RawDereferences dereferences)
    {
        var region = (INamedTypeSymbol)context.Symbol;
        if (!RegionSymbols.IsRegion(region))
        {
            return;
        }

        var facts = new TypeFacts(region);
        var helpers = new OwnRegionHelpers(region, sources, dereferences);
        context.RegisterOperationAction(
            operation => Record(operation, region, facts, helpers),
            OperationKind.Invocation, OperationKind.PropertyReference, OperationKind.MethodReference);
        context.RegisterOperationAction(
            operation => facts.Handles.RecordStore((ISimpleAssignmentOperation)operation.Operation), OperationKind.SimpleAssignment);
        if (sources is not null)
        {
            var own = new OwnAddressDereferences(region, sources, dereferences);
            context.RegisterCodeBlockStartAction<SyntaxKind>(block =>
            {
                if (block.OwningSymbol is IMethodSymbol owner)
                {
                    own.Register(block, facts.For(owner));
                }
            });
        }

        context.RegisterSymbolEndAction(end => Report(end, region, facts));
    }

    /// <summary>Records, per method of the region type, the accessor touches and the calls to other methods.</summary>
    private static void Record(
        OperationAnalysisContext context, INamedTypeSymbol region, TypeFacts facts, OwnRegionHelpers helpers)
    {
        if (context.ContainingSymbol is not IMethodSymbol caller || OffHandlerCode.Contains(context.Operation))
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
        if (target is null)
        {
            return;
        }

        MethodFacts callerFacts = facts.For(caller);
        if (context.Operation is IInvocationOperation call && facts.Handles.ReceiverField(call) is { } handle)
        {
            callerFacts.HandleCalls.Enqueue((call.Syntax.GetLocation(), handle));
        }

        if (!SymbolEqualityComparer.Default.Equals(target.ContainingType?.OriginalDefinition, region))
        {
            // A helper of another type in this file: looked into once, one level deep, reported on the call.
            if (target is IMethodSymbol helper
                && helpers.TouchIn(helper, context.Operation, context.CancellationToken) is { } inside)
            {
                string name = inside + " in " + helper.ContainingType.Name + "." + helper.Name;
                callerFacts.Touches.Enqueue((MemberAccessLocation(context.Operation), name));
            }

            return;
        }

        // The generated half declares these members; a user member of the same name is UFFD0006, not a touch.
        if (RegionSymbols.IsGenerated(target))
        {
            if (GeneratedMembers.ReachesRegionMemory(target.Name))
            {
                callerFacts.Touches.Enqueue((MemberAccessLocation(context.Operation), target.Name));
            }

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
                    // A write handler's fault address is a present page, only write-protected: reading it does not
                    // fault. A provider's is missing (or not mapped yet, for a minor fault) by definition.
                    if (name != OwnAddressDereferences.FaultAddress || RegionSymbols.HasRuntimeAttribute(callback, "PageProviderAttribute"))
                    {
                        Report(context, reported, location, callback, region, name);
                    }
                }

                foreach ((Location location, IFieldSymbol field) in methodFacts.HandleCalls)
                {
                    if (facts.Handles.AccessorIn(field) is { } accessor)
                    {
                        Report(context, reported, location, callback, region, accessor + " (kept in " + field.Name + ")");
                    }
                }

                foreach (IMethodSymbol callee in methodFacts.Callees)
                {
                    pending.Push(callee);
                }
            }
        }
    }

    private static void Report(
        SymbolAnalysisContext context, HashSet<Location> reported, Location location, IMethodSymbol callback, INamedTypeSymbol region, string name)
    {
        if (reported.Add(location))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CallbackTouchesOwnRegion, location, callback.Name, region.Name, name));
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
        public TypeFacts(INamedTypeSymbol region) => Handles = new RegionHandleFields(region);

        public ConcurrentDictionary<IMethodSymbol, MethodFacts> Methods { get; } = new(SymbolEqualityComparer.Default);

        /// <summary>Fields that hold a stream over the region (<c>_stream = AsStream()</c>).</summary>
        public RegionHandleFields Handles { get; }

        public MethodFacts For(IMethodSymbol method) => Methods.GetOrAdd(Key(method), _ => new MethodFacts());
    }

    internal sealed class MethodFacts
    {
        public ConcurrentQueue<(Location Location, string Name)> Touches { get; } = new();

        /// <summary>Calls made on a reference-type field of the class: touches once the field is known to hold a stream over the region.</summary>
        public ConcurrentQueue<(Location Location, IFieldSymbol Field)> HandleCalls { get; } = new();

        public ConcurrentQueue<IMethodSymbol> Callees { get; } = new();
    }
}
