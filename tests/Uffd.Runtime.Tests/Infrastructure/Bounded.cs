using System.Threading;

namespace Uffd.Runtime.Tests.Infrastructure;

/// <summary>Every wait in the suite is bounded: a broken resolution path fails a test, it never hangs the run.</summary>
internal static class Bounded
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>Polls <paramref name="condition"/> until it holds or <see cref="Wait"/> elapses.</summary>
    public static bool Until(Func<bool> condition, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? Wait);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(1);
        }

        return true;
    }
}
