using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Uffd;

namespace Corpus.SparseFileZeroPages;

/// <summary>
/// Serves a sparse image file: pages recorded as holes are resolved with ZEROPAGE, the others are read from the
/// file and copied. Faults are read in batches; an AlreadyPresent answer means another message for the same page
/// won the race, so the waiters are woken.
/// </summary>
public sealed class SparseImageHandler
{
    private readonly Userfaultfd _uffd;
    private readonly FileStream _image;
    private readonly HashSet<long> _holes;
    private readonly nint _base;
    private readonly int _pageSize;

    public SparseImageHandler(Userfaultfd uffd, FileStream image, HashSet<long> holes, nint baseAddress, int pageSize)
    {
        _uffd = uffd;
        _image = image;
        _holes = holes;
        _base = baseAddress;
        _pageSize = pageSize;
    }

    public void Run(UffdShutdownSignal stop)
    {
        Span<UffdMessage> batch = stackalloc UffdMessage[16];
        byte[] buffer = new byte[_pageSize];
        while (_uffd.WaitForMessages(stop, TimeSpan.FromSeconds(1)) != UffdWaitResult.ShutdownRequested)
        {
            int read = _uffd.ReadMessages(batch);
            foreach (UffdMessage message in batch[..read])
            {
                if (message.Kind == UffdEventKind.PageFault)
                {
                    ServeOne(message.PageFault.PageStart(_pageSize), buffer);
                }
            }
        }
    }

    private void ServeOne(nint page, byte[] buffer)
    {
        long index = (page - _base) / _pageSize;
        UffdResult result;
        if (_holes.Contains(index))
        {
            result = _uffd.ZeroPage(page, _pageSize);
        }
        else
        {
            _image.Position = index * _pageSize;
            _image.ReadExactly(buffer, 0, _pageSize);
            result = _uffd.Copy(page, buffer);
        }

        if (result.Outcome == UffdOutcome.AlreadyPresent)
        {
            _uffd.Wake(page, _pageSize);
        }
        else if (!result.IsDone && result.Outcome is not (UffdOutcome.RangeGone or UffdOutcome.TargetGone))
        {
            Console.Error.WriteLine($"page {index}: {result}");
        }
    }
}
