using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Kernel.Support;

/// <summary>Reading messages by hand (no handler thread), for tests that control exactly when the queue is read.</summary>
internal static class Messages
{
    /// <summary>Waits (bounded) for the next message and returns it; fails when none arrives.</summary>
    public static UffdMessage Next(Userfaultfd uffd)
    {
        Span<UffdMessage> one = stackalloc UffdMessage[1];
        DateTime deadline = DateTime.UtcNow + Bounded.Wait;
        while (DateTime.UtcNow < deadline)
        {
            if (uffd.WaitForMessages(null, 100) == UffdWaitResult.MessagesAvailable && uffd.ReadMessages(one) == 1)
            {
                return one[0];
            }
        }

        throw new Xunit.Sdk.XunitException($"no message arrived on the uffd within {Bounded.Wait}");
    }

    /// <summary>True when nothing arrives within <paramref name="milliseconds"/>.</summary>
    public static bool NoneWithin(Userfaultfd uffd, int milliseconds) =>
        uffd.WaitForMessages(null, milliseconds) == UffdWaitResult.TimedOut;
}
