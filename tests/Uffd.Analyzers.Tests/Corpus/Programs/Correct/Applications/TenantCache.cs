using System;
using System.Buffers;
using System.Collections.Concurrent;
using Uffd;

namespace Corpus.TenantCache;

/// <summary>One region per tenant, pages served from a shared dictionary of blobs; the pool and counters stay off the region.</summary>
[FaultRegion(Memory = RegionMemory.Anonymous)]
public sealed partial class TenantPages
{
    private readonly ConcurrentDictionary<(string Tenant, long Page), byte[]> _blobs;
    private readonly string _tenant;
    private long _misses;

    public TenantPages(ConcurrentDictionary<(string, long), byte[]> blobs, string tenant)
    {
        _blobs = blobs;
        _tenant = tenant;
    }

    public long Misses => System.Threading.Interlocked.Read(ref _misses);

    [PageProvider]
    private PageFill Fill(long pageIndex, Span<byte> page)
    {
        if (!_blobs.TryGetValue((_tenant, pageIndex), out byte[]? blob))
        {
            System.Threading.Interlocked.Increment(ref _misses);
            return PageFill.Zero;
        }

        blob.AsSpan(0, Math.Min(blob.Length, page.Length)).CopyTo(page);
        return PageFill.Filled;
    }
}

public sealed class TenantService : IDisposable
{
    private readonly ConcurrentDictionary<(string, long), byte[]> _blobs = new();
    private readonly ConcurrentDictionary<string, TenantPages> _regions = new();

    public void Put(string tenant, long page, byte[] blob) => _blobs[(tenant, page)] = blob;

    public int Checksum(string tenant, long page)
    {
        TenantPages region = _regions.GetOrAdd(tenant, name =>
        {
            var pages = new TenantPages(_blobs, name);
            pages.Open(4096);
            return pages;
        });

        byte[] rented = ArrayPool<byte>.Shared.Rent(region.PageSize);
        try
        {
            Span<byte> buffer = rented.AsSpan(0, region.PageSize);
            region.Read(page * region.PageSize, buffer);
            int sum = 0;
            foreach (byte b in buffer)
            {
                sum += b;
            }

            return sum;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public void Dispose()
    {
        foreach (TenantPages region in _regions.Values)
        {
            region.Dispose();
        }
    }
}
