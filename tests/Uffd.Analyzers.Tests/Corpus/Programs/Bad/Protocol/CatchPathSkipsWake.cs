// corpus: expect UFFD0050
using System;
using System.IO;
using Uffd;

namespace Corpus.CatchPathSkipsWake;

/// <summary>The audit log write after the quiet copy can throw; the catch logs and leaves the thread asleep.</summary>
public sealed class AuditedResolver
{
    private readonly Userfaultfd _uffd;
    private readonly TextWriter _audit;
    private readonly int _pageSize;

    public AuditedResolver(Userfaultfd uffd, TextWriter audit, int pageSize)
    {
        _uffd = uffd;
        _audit = audit;
        _pageSize = pageSize;
    }

    public void Resolve(nint page, byte[] contents)
    {
        try
        {
            UffdResult result = _uffd.Copy(page, contents, CopyMode.DontWake);
            _audit.WriteLine($"{DateTime.UtcNow:O} 0x{page:x} {result.Outcome}");
            _uffd.Wake(page, _pageSize);
        }
        catch (IOException error)
        {
            Console.Error.WriteLine($"audit log failed: {error.Message}");
        }
    }
}
