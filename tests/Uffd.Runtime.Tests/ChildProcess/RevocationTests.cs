namespace Uffd.Runtime.Tests.ChildProcess;

/// <summary>
/// Disposing a uffd while a thread is blocked in a fault: the kernel wakes the thread to retry as an ordinary fault,
/// which on anonymous memory silently reads a zero page. With RevokeAccessOnClose the range is made inaccessible
/// first, so the retry must kill the process instead. A crash cannot be observed in the test host: the probe does it.
/// </summary>
public sealed class RevocationTests
{
    private const int SigSegv = 11;
    private const int SigAbrt = 6;

    [Fact]
    public void Disposing_with_a_blocked_faulter_kills_the_process_instead_of_reading_a_zero_page()
    {
        ChildResult child = Child.Run("Uffd.Runtime.Probe", Privilege.Root, "revoke");

        // "blocked" proves the thread sat in the fault (fdinfo total 1) when the uffd was disposed; no "read=" line
        // proves it never got a value.
        Assert.True(new[] { "blocked" }.SequenceEqual(child.Lines), child.ToString());
        // The reader faults inside memmove (GcSafeMemory): a SIGSEGV outside managed code is not the runtime's to
        // handle, so the default action kills the process and nothing is printed.
        Assert.True(child.ExitCode == 128 + SigSegv, child.ToString());
        Assert.Equal(string.Empty, child.Stderr);
    }

    [Fact]
    public void Disposing_with_a_faulter_blocked_in_managed_code_ends_in_a_fatal_access_violation()
    {
        ChildResult child = Child.Run("Uffd.Runtime.Probe", Privilege.Root, "revoke-managed");

        Assert.True(new[] { "blocked" }.SequenceEqual(child.Lines), child.ToString());
        // The runtime turns a SIGSEGV in managed code outside the null page into a fatal AccessViolationException
        // and aborts: the process ends by SIGABRT, and the stack is the reader thread's.
        Assert.True(child.ExitCode == 128 + SigAbrt, child.ToString());
        Assert.Contains("System.AccessViolationException", child.Stderr);
        Assert.Contains("at Uffd.Runtime.Probe.RevokeMode", child.Stderr);
    }

    [Fact]
    public void Unregistering_before_dispose_lets_the_blocked_faulter_read_a_zero_page()
    {
        ChildResult child = Child.Run("Uffd.Runtime.Probe", Privilege.Root, "release");

        Assert.True(new[] { "blocked", "read=0" }.SequenceEqual(child.Lines), child.ToString());
        Assert.Equal(0, child.ExitCode);
        Assert.Equal(string.Empty, child.Stderr);
    }
}
