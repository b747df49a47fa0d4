using System;
using System.Threading;
using Uffd;

namespace Corpus.PartialCopyResubmit;

/// <summary>
/// Multi-page copies from a decompressed extent: a copy stops at the first page that is already present
/// (Partial), so the rest is resubmitted; a present page in the middle is skipped and woken.
/// </summary>
public sealed class ExtentInstaller
{
    private readonly Userfaultfd _uffd;
    private readonly int _pageSize;

    public ExtentInstaller(Userfaultfd uffd, int pageSize)
    {
        _uffd = uffd;
        _pageSize = pageSize;
    }

    public void Install(nint destination, ReadOnlySpan<byte> extent)
    {
        long done = 0;
        int retries = 0;
        while (done < extent.Length)
        {
            UffdResult result = _uffd.Copy(destination + (nint)done, extent[(int)done..]);
            switch (result.Outcome)
            {
                case UffdOutcome.Done:
                    return;
                case UffdOutcome.Partial:
                    done += result.BytesDone;
                    break;
                case UffdOutcome.AlreadyPresent:
                    _uffd.Wake(destination + (nint)done, _pageSize);
                    done += _pageSize;
                    break;
                case UffdOutcome.RetryAfterEvents when retries++ < 100:
                    Thread.Sleep(1);
                    break;
                case UffdOutcome.RangeGone:
                case UffdOutcome.TargetGone:
                    return;
                default:
                    throw new UffdException($"installing {extent.Length} bytes at 0x{destination:x}: {result}", result.Errno);
            }
        }
    }
}
