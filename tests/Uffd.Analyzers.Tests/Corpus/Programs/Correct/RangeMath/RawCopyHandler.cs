using System;
using System.Threading;
using Uffd;

namespace Corpus.RawCopyHandler;

/// <summary>A hand-written handler over the runtime: every page is served from a prepared image, every outcome handled.</summary>
public sealed class ImageServer : IDisposable
{
    private readonly UffdMemory _memory;
    private readonly Userfaultfd _uffd;
    private readonly byte[][] _image;
    private readonly UffdShutdownSignal _stop = new();
    private readonly Thread _handler;

    public ImageServer(byte[][] image)
    {
        _image = image;
        _memory = UffdMemory.MapAnonymous(image.Length * (long)Environment.SystemPageSize);
        _uffd = Userfaultfd.Create();
        _uffd.Register(_memory.Address, _memory.Length, RegisterMode.Missing);
        _handler = new Thread(Serve) { IsBackground = true, Name = "image server" };
        _handler.Start();
    }

    public nint Address => _memory.Address;

    private void Serve()
    {
        var messages = new UffdMessage[16];
        while (_uffd.WaitForMessages(_stop) == UffdWaitResult.MessagesAvailable)
        {
            int count = _uffd.ReadMessages(messages);
            for (int i = 0; i < count; i++)
            {
                if (messages[i].Kind == UffdEventKind.PageFault)
                {
                    Resolve(messages[i].PageFault);
                }
            }
        }
    }

    private void Resolve(PageFaultEvent fault)
    {
        int pageSize = _memory.PageSize;
        nint start = fault.PageStart(pageSize);
        long pageNumber = (start - _memory.Address) / pageSize;
        while (true)
        {
            UffdResult result = _uffd.Copy(start, _image[pageNumber].AsSpan(0, pageSize));
            switch (result.Outcome)
            {
                case UffdOutcome.Done:
                    return;
                case UffdOutcome.AlreadyPresent:
                    _uffd.Wake(start, pageSize);
                    return;
                case UffdOutcome.RetryAfterEvents:
                case UffdOutcome.Interrupted:
                case UffdOutcome.Partial:
                    continue;
                case UffdOutcome.RangeGone:
                case UffdOutcome.TargetGone:
                    return;
                default:
                    throw new InvalidOperationException($"COPY of page {pageNumber} failed: {result}");
            }
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
