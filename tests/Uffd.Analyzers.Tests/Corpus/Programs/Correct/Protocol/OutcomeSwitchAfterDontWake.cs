using System;
using Uffd;

namespace Corpus.OutcomeSwitchAfterDontWake;

/// <summary>
/// A resolver that installs with DontWake so that it can decide per outcome: a gone address space needs no wake,
/// a pending event is retried later (the thread keeps waiting for that retry), everything else is woken now.
/// </summary>
public sealed class DeferringResolver
{
    private readonly Userfaultfd _uffd;
    private readonly Action<nint> _retryLater;

    public DeferringResolver(Userfaultfd uffd, Action<nint> retryLater)
    {
        _uffd = uffd;
        _retryLater = retryLater;
    }

    public void Resolve(nint page, ReadOnlySpan<byte> contents)
    {
        UffdResult result = _uffd.Copy(page, contents, CopyMode.DontWake);
        switch (result.Outcome)
        {
            case UffdOutcome.TargetGone:
                return;
            case UffdOutcome.RetryAfterEvents:
                _retryLater(page);
                return;
            default:
                _uffd.Wake(page, contents.Length);
                return;
        }
    }
}
