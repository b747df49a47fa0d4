// corpus: expect UFFD0050
using System;
using System.Threading;
using Uffd;

namespace Corpus.NoWakeInHandlerLoop;

/// <summary>A handler loop copied from an example that batched wakes, without the wake.</summary>
public sealed class PatternServer
{
    private readonly Userfaultfd _uffd;
    private readonly UffdMemory _memory;

    public PatternServer(Userfaultfd uffd, UffdMemory memory)
    {
        _uffd = uffd;
        _memory = memory;
    }

    public void Run(UffdShutdownSignal stop)
    {
        var messages = new UffdMessage[64];
        byte[] page = new byte[_memory.PageSize];
        while (_uffd.WaitForMessages(stop) == UffdWaitResult.MessagesAvailable)
        {
            int count = _uffd.ReadMessages(messages);
            for (int i = 0; i < count; i++)
            {
                if (messages[i].Kind != UffdEventKind.PageFault)
                {
                    continue;
                }

                nint address = messages[i].PageFault.PageStart(_memory.PageSize);
                page.AsSpan().Fill((byte)((address - _memory.Address) / _memory.PageSize));
                UffdResult result = _uffd.Copy(address, page, CopyMode.DontWake);
                if (result.Outcome == UffdOutcome.TargetGone)
                {
                    return;
                }
            }
        }
    }
}
