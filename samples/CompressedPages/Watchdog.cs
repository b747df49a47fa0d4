using System;
using System.Threading;

namespace CompressedPages;

/// <summary>
/// Ends the process with exit code 1 when no page makes progress for a while: a fault whose provider never returns
/// would otherwise leave the sample hanging in a Read or Write forever.
/// </summary>
internal sealed class Watchdog : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly Timer _timer;
    private long _beats;
    private long _seen = -1;
    private DateTime _since = DateTime.UtcNow;
    private string _activity = "starting";

    public Watchdog() => _timer = new Timer(_ => Check(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    /// <summary>Names what runs now, for the message if it stalls.</summary>
    public string Activity
    {
        set => Volatile.Write(ref _activity, value);
    }

    public void Beat() => Interlocked.Increment(ref _beats);

    private void Check()
    {
        long beats = Interlocked.Read(ref _beats);
        if (beats != _seen)
        {
            (_seen, _since) = (beats, DateTime.UtcNow);
        }
        else if (DateTime.UtcNow - _since > Limit)
        {
            Console.Error.WriteLine($"FAILED: no progress for {Limit.TotalSeconds:0} s while {Volatile.Read(ref _activity)}; giving up.");
            Environment.Exit(1);
        }
    }

    public void Dispose() => _timer.Dispose();
}
