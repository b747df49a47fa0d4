using System;
using System.IO;
using Uffd;

namespace Corpus.CatchPathAlsoWakes;

/// <summary>A verified install: a failed verification is logged, and the page is woken on both paths.</summary>
public sealed class VerifiedInstaller
{
    private readonly Userfaultfd _uffd;
    private readonly TextWriter _log;

    public VerifiedInstaller(Userfaultfd uffd, TextWriter log)
    {
        _uffd = uffd;
        _log = log;
    }

    public void Install(nint page, byte[] contents, uint expectedChecksum)
    {
        try
        {
            UffdResult result = _uffd.Copy(page, contents, CopyMode.DontWake);
            Verify(contents, expectedChecksum);
            _log.WriteLine($"0x{page:x}: {result.Outcome}");
            _uffd.Wake(page, contents.Length);
        }
        catch (InvalidDataException error)
        {
            _log.WriteLine($"0x{page:x}: {error.Message}");
            _uffd.Wake(page, contents.Length);
        }
    }

    private static void Verify(byte[] contents, uint expected)
    {
        uint sum = 2166136261;
        foreach (byte b in contents)
        {
            sum = (sum ^ b) * 16777619;
        }

        if (sum != expected)
        {
            throw new InvalidDataException($"checksum {sum:x8}, expected {expected:x8}");
        }
    }
}
