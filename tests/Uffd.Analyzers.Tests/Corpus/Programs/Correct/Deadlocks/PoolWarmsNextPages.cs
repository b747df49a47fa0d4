using System;
using System.IO;
using System.Threading;
using Microsoft.Win32.SafeHandles;
using Uffd;

namespace Corpus.PoolWarmsNextPages;

/// <summary>
/// A sequential reader's region: after filling a page, the provider asks the thread pool to prefault the next few.
/// The pool thread's faults are served by the handler threads like anyone's; the provider itself never waits.
/// </summary>
[FaultRegion(HandlerThreads = 2, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class SequentialFile
{
    private const int WarmPages = 4;
    private readonly SafeFileHandle _file;
    private long _warmedUpTo;

    public SequentialFile(string path) => _file = File.OpenHandle(path);

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        int read = RandomAccess.Read(_file, page, pageIndex * page.Length);
        page[read..].Clear();

        long next = pageIndex + 1;
        if (next < PageCount && Interlocked.Exchange(ref _warmedUpTo, next + WarmPages) < next + WarmPages)
        {
            long count = Math.Min(WarmPages, PageCount - next);
            ThreadPool.QueueUserWorkItem(_ => Prefault(next * PageSize, count * PageSize));
        }
    }
}
