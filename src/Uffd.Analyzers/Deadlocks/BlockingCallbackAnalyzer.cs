using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// UFFD0031: a <c>[PageProvider]</c> or <c>[WriteHandler]</c> blocks its handler thread on a wait (<c>Task.Result</c>,
/// <c>Task.Wait</c>, <c>GetAwaiter().GetResult()</c>, <c>Thread.Sleep</c>, <c>Monitor.Wait</c>, ...), or on the
/// <c>Protect</c> of a region with synchronous write protection, which waits for span leases. The BCL members are
/// recognized by their symbols.
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
            start.RegisterOperationAction(
                operation => Analyze(operation, waits), OperationKind.Invocation, OperationKind.PropertyReference);
        });
    }

    private static void Analyze(OperationAnalysisContext context, BlockingMembers waits)
    {
        ISymbol? member = context.Operation switch
        {
            IInvocationOperation invocation => invocation.TargetMethod,
            IPropertyReferenceOperation property => property.Property,
            _ => null,
        };
        if (member is null || !(waits.IsBlocking(member) || IsWaitingProtect(member)) || !RegionSymbols.IsCallback(context.ContainingSymbol))
        {
            return;
        }

        string name = member.ContainingType.Name + "." + member.Name;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.BlockingWaitInCallback, context.Operation.Syntax.GetLocation(), context.ContainingSymbol.Name, name));
    }

    /// <summary>
    /// <c>Protect</c> of a region with synchronous write protection (or of the engine) waits until no span lease is
    /// open, and a lease holder may itself be waiting for a handler thread to fill a page of its range.
    /// </summary>
    private static bool IsWaitingProtect(ISymbol member)
    {
        if (member is not IMethodSymbol { Name: "Protect" } method)
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

    /// <summary>The waiting members of the BCL, resolved once per compilation.</summary>
    private sealed class BlockingMembers
    {
        private readonly ImmutableArray<(INamedTypeSymbol Type, ImmutableHashSet<string> Names)> _members;

        public BlockingMembers(Compilation compilation)
        {
            ImmutableArray<(INamedTypeSymbol, ImmutableHashSet<string>)>.Builder builder =
                ImmutableArray.CreateBuilder<(INamedTypeSymbol, ImmutableHashSet<string>)>();
            Add(builder, compilation, "System.Threading.Tasks.Task", "Wait", "WaitAll", "WaitAny");
            Add(builder, compilation, "System.Threading.Tasks.Task`1", "Result", "Wait");
            Add(builder, compilation, "System.Threading.Tasks.ValueTask`1", "Result");
            Add(builder, compilation, "System.Runtime.CompilerServices.TaskAwaiter", "GetResult");
            Add(builder, compilation, "System.Runtime.CompilerServices.TaskAwaiter`1", "GetResult");
            Add(builder, compilation, "System.Runtime.CompilerServices.ValueTaskAwaiter`1", "GetResult");
            Add(builder, compilation, "System.Runtime.CompilerServices.ConfiguredTaskAwaitable+ConfiguredTaskAwaiter", "GetResult");
            Add(builder, compilation, "System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1+ConfiguredTaskAwaiter", "GetResult");
            Add(builder, compilation, "System.Threading.Thread", "Sleep", "Join");
            Add(builder, compilation, "System.Threading.Monitor", "Wait");
            Add(builder, compilation, "System.Threading.SemaphoreSlim", "Wait");
            Add(builder, compilation, "System.Threading.ManualResetEventSlim", "Wait");
            _members = builder.ToImmutable();
        }

        public bool IsBlocking(ISymbol member)
        {
            INamedTypeSymbol? type = member.ContainingType?.OriginalDefinition;
            if (type is null)
            {
                return false;
            }

            foreach ((INamedTypeSymbol candidate, ImmutableHashSet<string> names) in _members)
            {
                if (SymbolEqualityComparer.Default.Equals(type, candidate) && names.Contains(member.Name))
                {
                    return true;
                }
            }

            return false;
        }

        private static void Add(
            ImmutableArray<(INamedTypeSymbol, ImmutableHashSet<string>)>.Builder builder, Compilation compilation, string metadataName, params string[] names)
        {
            if (compilation.GetTypeByMetadataName(metadataName) is { } type)
            {
                builder.Add((type, ImmutableHashSet.Create(names)));
            }
        }
    }
}
