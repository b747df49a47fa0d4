using System;
using System.Collections.Generic;
using Uffd;

namespace Corpus.DeferredRetryQueue;

/// <summary>
/// A handler that reads events between resolutions: a copy that meets a changing address space
/// (RetryAfterEvents) is queued and retried after the events were handled; everything else is woken at once.
/// </summary>
public sealed class EventAwareHandler
{
    private readonly Userfaultfd _uffd;
    private readonly UffdMemory _memory;
    private readonly Queue<nint> _retry = new();
    private readonly byte[] _page;

    public EventAwareHandler(Userfaultfd uffd, UffdMemory memory)
    {
        _uffd = uffd;
        _memory = memory;
        _page = new byte[memory.PageSize];
    }

    public void Handle(ReadOnlySpan<UffdMessage> messages)
    {
        foreach (UffdMessage message in messages)
        {
            switch (message.Kind)
            {
                case UffdEventKind.PageFault:
                    Resolve(message.PageFault.PageStart(_memory.PageSize));
                    break;
                case UffdEventKind.Remove:
                case UffdEventKind.Unmap:
                    Console.WriteLine($"range {message.Range.Start:x}-{message.Range.End:x} changed");
                    break;
            }
        }

        int pending = _retry.Count;
        for (int i = 0; i < pending; i++)
        {
            Resolve(_retry.Dequeue());
        }
    }

    private void Resolve(nint page)
    {
        _page.AsSpan().Fill((byte)((page - _memory.Address) / _memory.PageSize));
        UffdResult result = _uffd.Copy(page, _page, CopyMode.DontWake);
        bool gone = result.Outcome switch
        {
            UffdOutcome.TargetGone or UffdOutcome.RangeGone => true,
            _ => false,
        };
        if (gone)
        {
            return;
        }

        if (result.Outcome == UffdOutcome.RetryAfterEvents)
        {
            _retry.Enqueue(page);
            return;
        }

        _uffd.Wake(page, _memory.PageSize);
    }
}
