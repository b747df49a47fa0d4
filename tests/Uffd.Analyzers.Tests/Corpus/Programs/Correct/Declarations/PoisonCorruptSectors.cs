using System;
using Uffd;

namespace Corpus.PoisonCorruptSectors;

/// <summary>A disk image whose unreadable sectors become poisoned pages: reading one throws instead of returning junk.</summary>
[FaultRegion(Pages = 512, OnProviderError = ProviderErrorPolicy.Poison)]
public sealed partial class DiskImage
{
    private readonly Func<long, byte[]?> _readSector;

    public DiskImage(Func<long, byte[]?> readSector) => _readSector = readSector;

    [PageProvider]
    private PageFill Fill(PageFaultContext context, Span<byte> page)
    {
        byte[]? sector = _readSector(context.PageIndex);
        if (sector is null)
        {
            return PageFill.Poison;
        }

        sector.AsSpan(0, Math.Min(sector.Length, page.Length)).CopyTo(page);
        return PageFill.Filled;
    }

    public bool TryReadFirstByte(long pageIndex, out byte value)
    {
        try
        {
            value = AsReadOnlySpan(pageIndex * PageSize, 1)[0];
            return true;
        }
        catch (PagePoisonedException)
        {
            value = 0;
            return false;
        }
    }
}
