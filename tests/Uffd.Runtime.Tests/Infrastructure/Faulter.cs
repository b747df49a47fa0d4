using System.Threading;

namespace Uffd.Runtime.Tests.Infrastructure;

/// <summary>
/// A background thread that touches registered memory. It is a background thread so that a faulter left blocked by
/// a failing test cannot keep the test host alive; <see cref="Join"/> turns "still blocked" into a test failure.
/// </summary>
internal sealed class Faulter<T>
{
    private readonly Thread thread;
    private T? result;
    private Exception? error;

    public Faulter(Func<T> body, string name = "faulter")
    {
        thread = new Thread(() =>
        {
            ThreadId = Uffd.Interop.Libc.gettid();
            Started.Set();
            try
            {
                result = body();
            }
            catch (Exception e)
            {
                error = e;
            }
        })
        { IsBackground = true, Name = name };
    }

    public ManualResetEventSlim Started { get; } = new();

    public int ThreadId { get; private set; }

    public bool IsAlive => thread.IsAlive;

    public Faulter<T> Start()
    {
        thread.Start();
        Assert.True(Started.Wait(Bounded.Wait), "the faulting thread did not start");
        return this;
    }

    /// <summary>Waits for the thread and returns what it read; fails if it is still blocked after the bound.</summary>
    public T Join(TimeSpan? timeout = null)
    {
        Assert.True(thread.Join(timeout ?? Bounded.Wait), $"{thread.Name} is still blocked in a fault");
        if (error is not null)
        {
            throw new Xunit.Sdk.XunitException($"{thread.Name} failed: {error}");
        }

        return result!;
    }

    public bool TryJoin(TimeSpan timeout) => thread.Join(timeout);
}

internal static class Faulter
{
    public static Faulter<T> Run<T>(Func<T> body, string name = "faulter") => new Faulter<T>(body, name).Start();
}
