namespace Uffd.Regions;

/// <summary>Where a region is in its life (<see cref="FaultRegionLifetime{TCallbacks}.State"/>).</summary>
public enum RegionState
{
    /// <summary>Never opened, or the last <c>Open</c> failed (it can be retried).</summary>
    Unopened = 0,

    /// <summary><c>Open</c> is mapping and registering the region on some thread.</summary>
    Opening = 1,

    /// <summary>Serving faults until <c>Dispose</c>.</summary>
    Open = 2,

    /// <summary>Disposed: every member but <c>Dispose</c> and <c>IsOpen</c> throws <see cref="System.ObjectDisposedException"/>.</summary>
    Disposed = 3,
}
