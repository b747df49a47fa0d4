using System;
using System.Threading;
using System.Threading.Tasks;

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

    /// <summary>
    /// The asynchronous provider (<see cref="FaultRegionSettings.AsynchronousProvider"/>): fills
    /// <paramref name="pages"/> (<c>context.PageCount</c> pages of a buffer outside the region, or, for a minor fault,
    /// the page-cache page seen through the alias) and completes when they hold their content. The engine installs
    /// them when the task completes, on the thread that completes it; the answer applies to every page of the call.
    /// <paramref name="cancellationToken"/> is cancelled when the region is disposed.
    /// </summary>
    /// <remarks>Called on a handler thread up to its first incomplete await: that part must not block.</remarks>
    ValueTask<PageFill> FillPagesAsync(PageFaultContext context, Memory<byte> pages, CancellationToken cancellationToken) =>
        throw new NotSupportedException("These callbacks have no asynchronous provider: FaultRegionSettings.AsynchronousProvider must be false.");
}
