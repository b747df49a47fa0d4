// corpus: expect UFFD0051
using System;
using Uffd;

namespace Corpus.ContinueResultDroppedOnOptionalUffd;

/// <summary>A minor-fault server whose uffd may be absent; the null-conditional call drops the result too.</summary>
public sealed class OptionalMinorServer
{
    private readonly Userfaultfd? _uffd;
    private readonly UffdMemory _memory;

    public OptionalMinorServer(Userfaultfd? uffd, UffdMemory memory)
    {
        _uffd = uffd;
        _memory = memory;
    }

    public void OnMinorFault(in PageFaultEvent fault)
    {
        nint page = fault.PageStart(_memory.PageSize);
        _memory.AliasSpan(page - _memory.Address, _memory.PageSize).Fill(0x5A);
        _uffd?.Continue(page, _memory.PageSize);
    }
}
