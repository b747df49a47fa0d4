using System;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.CachedBaseForOffsets;

/// <summary>
/// A region that remembers its base address as a number, to turn fault addresses into offsets, and keeps a scratch
/// buffer of its own in native memory that the provider reads through a pointer.
/// </summary>
[FaultRegion(Pages = 512, HandlerThreads = 2)]
public sealed unsafe partial class Blocks : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, int> _faultsByBlock = new();
    private readonly byte* _scratch = (byte*)NativeMemory.AllocZeroed(64);
    private nint _base;

    public void Start()
    {
        Open();
        _base = BaseAddress;
    }

    [PageProvider]
    private void Fill(in PageFaultContext context, Span<byte> page)
    {
        long offset = (long)(context.Address - _base);
        long block = offset / (16L * page.Length);
        _faultsByBlock.AddOrUpdate(block, 1, (_, count) => count + 1);
        page.Fill(_scratch[block % 64]);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        NativeMemory.Free(_scratch);
        return ValueTask.CompletedTask;
    }
}
