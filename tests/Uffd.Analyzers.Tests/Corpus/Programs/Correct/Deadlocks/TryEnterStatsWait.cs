using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using Microsoft.Win32.SafeHandles;
using Uffd;

namespace Corpus.TryEnterStatsWait;

/// <summary>
/// A file-backed region that also publishes fill statistics. Publishing is best effort: a provider takes the
/// statistics slot only if it is free right now (Wait(0) polls), so a slow subscriber never delays a fault.
/// </summary>
[FaultRegion(Pages = 512)]
public sealed partial class MappedLog(SafeFileHandle file)
{
    private readonly SemaphoreSlim _statsSlot = new(1, 1);
    private readonly Stopwatch _sinceLastReport = Stopwatch.StartNew();
    private long _filled;

    public event Action<long>? Progress;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        int read = RandomAccess.Read(file, page, pageIndex * PageSize);
        page[read..].Clear();
        Interlocked.Increment(ref _filled);

        if (_statsSlot.Wait(0))
        {
            try
            {
                if (_sinceLastReport.ElapsedMilliseconds > 1000)
                {
                    _sinceLastReport.Restart();
                    Progress?.Invoke(Interlocked.Read(ref _filled));
                }
            }
            finally
            {
                _statsSlot.Release();
            }
        }
    }
}

public static class Tail
{
    public static long CountLines(string path)
    {
        using SafeFileHandle file = File.OpenHandle(path);
        using var log = new MappedLog(file);
        log.Open();
        long lines = 0;
        foreach (byte b in log.AsReadOnlySpan(0, log.PageSize))
        {
            lines += b == (byte)'\n' ? 1 : 0;
        }

        return lines;
    }
}
