using System;
using System.IO;
using Xunit;

namespace Uffd.Tests.Shared;

/// <summary>
/// Pins <c>vm.unprivileged_userfaultfd=0</c> (the default since Linux 5.11) for tests whose children lack
/// CAP_SYS_PTRACE: with 1, anyone could create a uffd that serves kernel faults and the ladder would stop at rung one.
/// Restores the previous value.
/// </summary>
public sealed class UnprivilegedUserfaultfdOff : IDisposable
{
    private const string Sysctl = "/proc/sys/vm/unprivileged_userfaultfd";
    private readonly string previous;

    public UnprivilegedUserfaultfdOff()
    {
        previous = File.ReadAllText(Sysctl).Trim();
        if (previous != "0")
        {
            File.WriteAllText(Sysctl, "0");
        }

        Assert.Equal(0, KernelInfo.UnprivilegedUserfaultfd);
    }

    public void Dispose()
    {
        if (previous != "0")
        {
            File.WriteAllText(Sysctl, previous);
        }
    }
}
