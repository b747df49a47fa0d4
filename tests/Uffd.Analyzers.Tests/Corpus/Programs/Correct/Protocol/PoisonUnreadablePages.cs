using System;
using System.IO;
using Uffd;

namespace Corpus.PoisonUnreadablePages;

/// <summary>
/// A page whose backing block cannot be read is poisoned (the toucher gets SIGBUS rather than wrong data); the
/// result of either resolution is checked.
/// </summary>
public static class BlockDeviceServer
{
    public static UffdOutcome Serve(Userfaultfd uffd, Stream device, nint page, long blockOffset, int pageSize)
    {
        byte[] block = new byte[pageSize];
        UffdResult result;
        try
        {
            device.Position = blockOffset;
            device.ReadExactly(block);
            result = uffd.Copy(page, block);
        }
        catch (IOException)
        {
            result = uffd.Poison(page, pageSize);
        }

        if (result.Outcome == UffdOutcome.AlreadyPresent)
        {
            uffd.Wake(page, pageSize);
        }

        return result.Outcome;
    }
}
