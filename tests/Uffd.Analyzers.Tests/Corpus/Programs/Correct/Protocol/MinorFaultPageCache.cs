using System;
using System.IO;
using Uffd;

namespace Corpus.MinorFaultPageCache;

/// <summary>
/// Minor faults on shared memory: the content is staged through the alias (never registered), then CONTINUE maps
/// the page-cache page into the registered view.
/// </summary>
public sealed class LazyFileMirror : IDisposable
{
    private readonly UffdMemory _memory;
    private readonly Userfaultfd _uffd;
    private readonly Stream _source;

    public LazyFileMirror(Stream source, long pages)
    {
        _source = source;
        _memory = UffdMemory.MapShared(pages * Environment.SystemPageSize);
        _uffd = Userfaultfd.Create(new UffdOptions { RequiredFeatures = UffdFeatures.MinorShmem });
        _uffd.Register(_memory.Address, _memory.Length, RegisterMode.Minor);
    }

    public bool OnMinorFault(PageFaultEvent fault)
    {
        int pageSize = _memory.PageSize;
        nint page = fault.PageStart(pageSize);
        long offset = page - _memory.Address;
        Span<byte> staged = _memory.AliasSpan(offset, pageSize);
        _source.Position = offset;
        int read = _source.Read(staged);
        staged[read..].Clear();

        UffdResult result = _uffd.Continue(page, pageSize);
        if (result.Outcome == UffdOutcome.AlreadyPresent)
        {
            _uffd.Wake(page, pageSize);
            return true;
        }

        return result.IsDone;
    }

    public void Dispose()
    {
        _uffd.Dispose();
        _memory.Dispose();
    }
}
