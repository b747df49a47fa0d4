using Microsoft.CodeAnalysis;

namespace Uffd.Analyzers.Deadlocks;

/// <summary>
/// The methods that run on a region's handler threads: a <c>[PageProvider]</c> or <c>[WriteHandler]</c> of a
/// <c>[FaultRegion]</c> class, and, for users of the engine without the generator, a hand-written implementation of
/// <c>Uffd.Regions.IFaultRegionCallbacks.FillPage</c> or <c>OnWriteFault</c> (the struct given to
/// <c>FaultRegionEngine&lt;TCallbacks&gt;.Open</c>). The generator's own implementation is generated code, not analyzed.
/// </summary>
internal static class HandlerCallbacks
{
    public static bool IsHandlerCallback(ISymbol? symbol) => RegionSymbols.IsCallback(symbol) || ImplementsEngineCallback(symbol);

    private static bool ImplementsEngineCallback(ISymbol? symbol)
    {
        if (symbol is not IMethodSymbol { Name: "FillPage" or "OnWriteFault", ContainingType: { } type } method)
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
