using System;

namespace Uffd.Regions;

/// <summary>
/// What generated code gives the engine: the user's provider and write handler. Implemented by a struct, so the
/// engine's generic instantiation calls them directly (no delegate, no interface dispatch, no allocation).
/// </summary>
public interface IFaultRegionCallbacks
{
    /// <summary>
    /// Fills <paramref name="page"/> for a missing fault (a staging buffer outside the region), or adjusts it in place
    /// for a minor fault (the page-cache content seen through the alias).
    /// </summary>
    PageFill FillPage(in PageFaultContext context, Span<byte> page);

    /// <summary>Called for a write to a protected page, before it is unprotected.</summary>
    void OnWriteFault(in PageFaultContext context);
}
