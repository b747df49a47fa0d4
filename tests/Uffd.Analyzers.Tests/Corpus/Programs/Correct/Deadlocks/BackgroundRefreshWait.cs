using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.BackgroundRefreshWait;

/// <summary>A slow source of page contents (a database, a remote service).</summary>
public interface IPageSource
{
    Task<byte[]> LoadAsync(long pageIndex, CancellationToken cancellationToken);
}

/// <summary>
/// Serves the last known version of each page and schedules a refresh of it in the background: the waiting happens on
/// thread-pool threads (Task.Run, ContinueWith), never on the handler thread.
/// </summary>
[FaultRegion(Pages = 128)]
public sealed partial class StaleWhileRevalidate(IPageSource source)
{
    private readonly ConcurrentDictionary<long, byte[]> _known = new();
    private readonly CancellationTokenSource _shutdown = new();

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        if (_known.TryGetValue(pageIndex, out byte[]? bytes))
        {
            bytes.AsSpan(0, Math.Min(bytes.Length, page.Length)).CopyTo(page);
        }
        else
        {
            page.Clear();
        }

        CancellationToken token = _shutdown.Token;
        _ = Task.Run(() =>
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(50)); // debounce bursts of faults
            byte[] fresh = source.LoadAsync(pageIndex, token).GetAwaiter().GetResult();
            _known[pageIndex] = fresh;
        }, token).ContinueWith(t => Console.Error.WriteLine(t.Exception), TaskContinuationOptions.OnlyOnFaulted);
    }

    public void Shutdown() => _shutdown.Cancel();
}
