using System;
using Uffd;

namespace Corpus.StageAndFlushBatcher;

/// <summary>
/// A batcher handed to a handler loop: Stage installs quietly and widens the pending range, Flush wakes it once.
/// The loop calls Flush after every batch of messages it read.
/// </summary>
public sealed class WakeBatcher
{
    private readonly Userfaultfd _uffd;
    private nint _low = nint.MaxValue;
    private nint _high = nint.MinValue;

    public WakeBatcher(Userfaultfd uffd) => _uffd = uffd;

    public UffdResult Stage(nint page, ReadOnlySpan<byte> contents)
    {
        UffdResult result = _uffd.Copy(page, contents, CopyMode.DontWake);
        _low = Math.Min(_low, page);
        _high = Math.Max(_high, page + contents.Length);
        return result;
    }

    public void Flush()
    {
        if (_high > _low)
        {
            _uffd.Wake(_low, _high - _low);
            _low = nint.MaxValue;
            _high = nint.MinValue;
        }
    }
}
