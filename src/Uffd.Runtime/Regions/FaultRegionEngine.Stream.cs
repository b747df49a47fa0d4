namespace Uffd.Regions;

public sealed partial class FaultRegionEngine<TCallbacks> : IRegionBytes
{
    string IRegionBytes.Name => settings.Name;

    /// <summary>
    /// A new seekable stream over the whole region at position 0, reading and writing through <see cref="Read"/> and
    /// <see cref="Write"/> (native copies: a fault taken there never stalls the garbage collector). Disposing the
    /// stream leaves the region open.
    /// </summary>
    /// <exception cref="System.ObjectDisposedException">The region was disposed.</exception>
    public RegionStream AsStream()
    {
        ThrowIfDisposed();
        return new RegionStream(this);
    }
}
