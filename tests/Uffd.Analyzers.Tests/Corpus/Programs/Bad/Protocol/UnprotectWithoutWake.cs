// corpus: expect UFFD0050
using System;
using System.Collections.Generic;
using Uffd;

namespace Corpus.UnprotectWithoutWake;

/// <summary>
/// Write faults are answered by removing the protection with wake: false ("we wake them all after the snapshot"),
/// but the snapshot path never wakes.
/// </summary>
public sealed class CopyOnWriteSnapshot
{
    private readonly Userfaultfd _uffd;
    private readonly UffdMemory _memory;
    private readonly Dictionary<long, byte[]> _before = new();

    public CopyOnWriteSnapshot(Userfaultfd uffd, UffdMemory memory)
    {
        _uffd = uffd;
        _memory = memory;
    }

    public void OnWriteFault(in PageFaultEvent fault)
    {
        nint page = fault.PageStart(_memory.PageSize);
        long index = (page - _memory.Address) / _memory.PageSize;
        byte[] copy = new byte[_memory.PageSize];
        GcSafeMemory.Read(page, copy);
        _before[index] = copy;
        UffdResult result = _uffd.RemoveWriteProtection(page, _memory.PageSize, wake: false);
        if (!result.IsDone)
        {
            Console.Error.WriteLine($"page {index}: {result}");
        }
    }

    public IReadOnlyDictionary<long, byte[]> Pages => _before;
}
