using System;
using System.Collections.Concurrent;
using Uffd;

namespace Corpus.WriteProtectDirtyLog;

/// <summary>
/// Synchronous write tracking: every page starts write-protected; the first write to a page is logged and the
/// protection removed, which wakes the writer.
/// </summary>
public sealed class DirtyLog
{
    private readonly Userfaultfd _uffd;
    private readonly UffdMemory _memory;
    private readonly ConcurrentDictionary<long, DateTime> _dirty = new();

    public DirtyLog(Userfaultfd uffd, UffdMemory memory)
    {
        _uffd = uffd;
        _memory = memory;
        _uffd.Register(memory.Address, memory.Length, RegisterMode.WriteProtect);
        UffdResult protectedAll = _uffd.WriteProtect(memory.Address, memory.Length);
        if (!protectedAll.IsDone)
        {
            throw new UffdException($"write-protecting the log's memory: {protectedAll}", protectedAll.Errno);
        }
    }

    public void OnFault(in PageFaultEvent fault)
    {
        if (!fault.IsWriteProtect)
        {
            return;
        }

        nint page = fault.PageStart(_memory.PageSize);
        _dirty.TryAdd((page - _memory.Address) / _memory.PageSize, DateTime.UtcNow);
        UffdResult result = _uffd.RemoveWriteProtection(page, _memory.PageSize);
        if (result.Outcome == UffdOutcome.RetryAfterEvents)
        {
            // The address space is changing: the writer faults again and we log it then.
            _uffd.Wake(page, _memory.PageSize);
        }
    }

    public long[] TakeDirtyPages()
    {
        long[] pages = new long[_dirty.Count];
        _dirty.Keys.CopyTo(pages, 0);
        _dirty.Clear();
        return pages;
    }
}
