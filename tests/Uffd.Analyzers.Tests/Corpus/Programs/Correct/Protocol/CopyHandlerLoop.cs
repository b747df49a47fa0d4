using System;
using System.Threading;
using Uffd;

namespace Corpus.CopyHandlerLoop;

/// <summary>
/// A hand-written handler thread over anonymous memory: every missing fault gets a page computed from its index.
/// Each outcome of the copy is handled the way docs/runtime.md says.
/// </summary>
public sealed class ComputedPages : IDisposable
{
    private readonly UffdMemory _memory;
    private readonly Userfaultfd _uffd;
    private readonly UffdShutdownSignal _stop = new();
    private readonly Thread _handler;

    public ComputedPages(long pages)
    {
        _memory = UffdMemory.MapAnonymous(pages * Environment.SystemPageSize);
        _uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = true });
        _uffd.Register(_memory.Address, _memory.Length, RegisterMode.Missing);
        _handler = new Thread(Serve) { IsBackground = true, Name = "uffd computed pages" };
        _handler.Start();
    }

    public nint Address => _memory.Address;

    private void Serve()
    {
        var messages = new UffdMessage[32];
        byte[] page = new byte[_memory.PageSize];
        while (_uffd.WaitForMessages(_stop) == UffdWaitResult.MessagesAvailable)
        {
            int count = _uffd.ReadMessages(messages);
            for (int i = 0; i < count; i++)
            {
                if (messages[i].Kind != UffdEventKind.PageFault)
                {
                    continue;
                }

                nint address = messages[i].PageFault.PageStart(_memory.PageSize);
                long index = (address - _memory.Address) / _memory.PageSize;
                Compute(index, page);
                if (!Resolve(address, page))
                {
                    return;
                }
            }
        }
    }

    /// <summary>False when the served address space is gone and the loop should stop.</summary>
    private bool Resolve(nint address, byte[] page)
    {
        while (true)
        {
            UffdResult result = _uffd.Copy(address, page);
            switch (result.Outcome)
            {
                case UffdOutcome.Done:
                    return true;
                case UffdOutcome.AlreadyPresent:
                    _uffd.Wake(address, _memory.PageSize);
                    return true;
                case UffdOutcome.RetryAfterEvents:
                    Thread.Yield();
                    continue;
                case UffdOutcome.Partial:
                    // One page: a partial copy cannot happen, but waking is always safe.
                    _uffd.Wake(address, _memory.PageSize);
                    return true;
                case UffdOutcome.RangeGone:
                    return true;
                case UffdOutcome.TargetGone:
                    return false;
                default:
                    throw new UffdException($"copy to 0x{address:x} failed: {result}", result.Errno);
            }
        }
    }

    private static void Compute(long index, byte[] page)
    {
        ulong state = (ulong)index * 0x9E3779B97F4A7C15UL + 1;
        for (int offset = 0; offset + sizeof(ulong) <= page.Length; offset += sizeof(ulong))
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            BitConverter.TryWriteBytes(page.AsSpan(offset), state);
        }
    }

    public void Dispose()
    {
        _stop.Signal();
        _handler.Join();
        _uffd.Dispose();
        _memory.Dispose();
        _stop.Dispose();
    }
}
