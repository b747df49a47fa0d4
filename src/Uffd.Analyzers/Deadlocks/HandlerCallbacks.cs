using Microsoft.CodeAnalysis;
using Uffd.SourceGeneration;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// The methods that run on a region's handler threads: a <c>[PageProvider]</c> or <c>[WriteHandler]</c> of a
/// <c>[FaultRegion]</c> class, and, for users of the engine without the generator, a hand-written implementation of
/// <c>Uffd.Regions.IFaultRegionCallbacks.FillPage</c>, <c>FillPagesAsync</c> or <c>OnWriteFault</c> (the struct given to
/// <c>FaultRegionEngine&lt;TCallbacks&gt;.Open</c>). The generator's own implementation is generated code, not analyzed.
/// </summary>
internal static class HandlerCallbacks
{
    /// <summary>A synchronous provider's way out of a blocking wait, as UFFD0031's suffix.</summary>
    public const string MakeAsynchronous =
        "; make the provider asynchronous ('async ValueTask' taking Memory<byte> and a CancellationToken) and await instead";

    public static bool IsHandlerCallback(ISymbol? symbol) => RegionSymbols.IsCallback(symbol) || ImplementsEngineCallback(symbol);

    /// <summary>
    /// What UFFD0031 suggests instead of the wait: a synchronous <c>[PageProvider]</c> can become asynchronous (the fault
    /// is then resolved when its task completes, and no handler thread waits); an asynchronous one, or a hand-written
    /// <c>FillPagesAsync</c>, awaits; a write handler, which runs before the write may proceed, has no asynchronous form.
    /// </summary>
    public static string WayOut(ISymbol symbol)
    {
        if (symbol is not IMethodSymbol method)
        {
            return "";
        }

        if (method.Name == "FillPagesAsync" && !RegionSymbols.IsCallback(method))
        {
            return "; await it instead";
        }

        if (!RegionSymbols.HasRuntimeAttribute(method, "PageProviderAttribute"))
        {
            return "";
        }

        return RegionDeclarationRules.GetProviderSignature(method) is { IsAsynchronous: true } ? "; await it instead" : MakeAsynchronous;
    }

    private static bool ImplementsEngineCallback(ISymbol? symbol)
    {
        if (symbol is not IMethodSymbol { Name: "FillPage" or "OnWriteFault" or "FillPagesAsync", ContainingType: { } type } method)
        {
            return false;
        }

        foreach (INamedTypeSymbol implemented in type.AllInterfaces)
        {
            if (implemented is not { Name: "IFaultRegionCallbacks", ContainingNamespace.Name: "Regions" } || !RegionSymbols.IsRuntimeType(implemented))
            {
                continue;
            }

            foreach (ISymbol member in implemented.GetMembers(method.Name))
            {
                if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member), method))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
