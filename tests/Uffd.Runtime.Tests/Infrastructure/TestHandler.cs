using System.Threading;

namespace Uffd.Runtime.Tests.Infrastructure;

/// <summary>
/// A minimal handler thread for tests: waits on the uffd and a shutdown signal, reads messages in batches and hands
/// each to <c>onMessage</c>. Disposing signals, joins (bounded) and rethrows anything the callback threw.
/// </summary>
internal sealed class TestHandler : IDisposable
{
    private readonly Userfaultfd uffd;
    private readonly Action<UffdMessage> onMessage;
    private readonly UffdShutdownSignal stop = new();
    private readonly Thread thread;
    private Exception? error;
    private int messages;

    public TestHandler(Userfaultfd uffd, Action<UffdMessage> onMessage, int batch = 16)
    {
        this.uffd = uffd;
        this.onMessage = onMessage;
        thread = new Thread(() => Loop(batch)) { IsBackground = true, Name = "uffd test handler" };
        thread.Start();
    }

    public int MessageCount => Volatile.Read(ref messages);

    private void Loop(int batch)
    {
        var buffer = new UffdMessage[batch];
        try
        {
            while (uffd.WaitForMessages(stop) != UffdWaitResult.ShutdownRequested)
            {
                int n = uffd.ReadMessages(buffer);
                for (int i = 0; i < n; i++)
                {
                    Interlocked.Increment(ref messages);
                    onMessage(buffer[i]);
                }
            }
        }
        catch (Exception e)
        {
            error = e;
        }
    }

    public void Dispose()
    {
        stop.Signal();
        Assert.True(thread.Join(Bounded.Wait), "the handler thread did not stop after the shutdown signal");
        stop.Dispose();
        if (error is not null)
        {
            throw new Xunit.Sdk.XunitException($"the handler failed: {error}");
        }
    }
}
