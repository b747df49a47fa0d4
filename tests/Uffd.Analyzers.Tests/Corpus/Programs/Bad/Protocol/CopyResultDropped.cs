// corpus: expect UFFD0051
using System;
using Uffd;

namespace Corpus.CopyResultDropped;

/// <summary>The copy's result is dropped: a duplicate fault message (AlreadyPresent) leaves its thread asleep.</summary>
public sealed class ConstantPageServer
{
    private readonly Userfaultfd _uffd;
    private readonly byte[] _page;

    public ConstantPageServer(Userfaultfd uffd, int pageSize, byte fill)
    {
        _uffd = uffd;
        _page = new byte[pageSize];
        _page.AsSpan().Fill(fill);
    }

    public void Serve(ReadOnlySpan<UffdMessage> messages)
    {
        foreach (UffdMessage message in messages)
        {
            if (message.Kind == UffdEventKind.PageFault)
            {
                _uffd.Copy(message.PageFault.PageStart(_page.Length), _page);
            }
        }
    }
}
