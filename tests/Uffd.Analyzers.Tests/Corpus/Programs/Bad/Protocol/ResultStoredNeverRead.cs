// corpus: expect UFFD0051
using System;
using System.IO;
using Uffd;

namespace Corpus.ResultStoredNeverRead;

/// <summary>The result is kept in a local "for debugging" and never looked at.</summary>
public sealed class FileBackedServer
{
    private readonly Userfaultfd _uffd;
    private readonly Stream _backing;
    private readonly nint _base;
    private readonly byte[] _buffer;

    public FileBackedServer(Userfaultfd uffd, Stream backing, nint baseAddress, int pageSize)
    {
        _uffd = uffd;
        _backing = backing;
        _base = baseAddress;
        _buffer = new byte[pageSize];
    }

    public void OnFault(in PageFaultEvent fault)
    {
        nint page = fault.PageStart(_buffer.Length);
        _backing.Position = page - _base;
        _backing.ReadExactly(_buffer);
        var result = _uffd.Copy(page, _buffer);
        Console.WriteLine($"served 0x{page:x}");
    }
}
