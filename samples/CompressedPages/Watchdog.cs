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
    private readonly Timer timer;
    private long beats;
    private long seen = -1;
    private DateTime since = DateTime.UtcNow;
    private string activity = "starting";

    public Watchdog() => timer = new Timer(_ => Check(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    /// <summary>Names what runs now, for the message if it stalls.</summary>
    public string Activity
    {
        set => Volatile.Write(ref activity, value);
    }

    public void Beat() => Interlocked.Increment(ref beats);

    private void Check()
    {
        long beats = Interlocked.Read(ref this.beats);
        if (beats != seen)
        {
            (seen, since) = (beats, DateTime.UtcNow);
        }
        else if (DateTime.UtcNow - since > Limit)
        {
            Console.Error.WriteLine($"FAILED: no progress for {Limit.TotalSeconds:0} s while {Volatile.Read(ref activity)}; giving up.");
            Environment.Exit(1);
        }
    }

    public void Dispose() => timer.Dispose();
}
