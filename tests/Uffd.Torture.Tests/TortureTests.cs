using Xunit.Abstractions;

namespace Uffd.Torture.Tests;

/// <summary>
/// Every mode's generated region, through every public access path, under constant GCs, as root (a uffd that serves
/// kernel-mode faults, so spans populate with MADV_POPULATE_READ). Each test is one child process.
/// </summary>
// Root only: these prove the paths of a uffd that serves kernel-mode faults (MissingRegion's spans populate with
// MADV_POPULATE_READ), which needs CAP_SYS_PTRACE here, and the huge-page test raises vm.nr_hugepages;
// UserModeOnlyTortureTests runs the same consumer as nobody.
[Trait("Requires", "root")]
public sealed class TortureTests(ITestOutputHelper output)
{
    private const int Runs = 2;

    [Fact]
    public void Missing_pages_and_synchronous_write_protection_never_stall_a_GC_on_any_access_path() =>
        TortureRun.Run(output, Privilege.Root, Runs, "missing", "wp-sync", "wp-only");

    [Fact]
    public void Asynchronous_write_tracking_never_stalls_a_GC_and_collects_exactly_the_written_pages() =>
        TortureRun.Run(output, Privilege.Root, Runs, "wp-async", "wp-async-missing");

    [Fact]
    public void Minor_faults_never_stall_a_GC_on_any_access_path() =>
        TortureRun.Run(output, Privilege.Root, Runs, "minor");

    [Fact]
    public void Huge_pages_never_stall_a_GC_on_any_access_path()
    {
        // Each round maps 4 huge pages; twice that leaves room for a round whose predecessor is still unmapping.
        using HugePageReservation reservation = HugePageReservation.For(8);
        TortureRun.Run(output, Privilege.Root, Runs, "hugepages");
    }
}

/// <summary>
/// The same as nobody with no capabilities and vm.unprivileged_userfaultfd = 0: the runtime falls back to a
/// user-mode-only uffd, which does not serve faults raised inside system calls, so the spans populate with a native
/// touch per page (on handler threads too, for the provider that reads another region).
/// </summary>
public sealed class UserModeOnlyTortureTests(ITestOutputHelper output) : IClassFixture<UnprivilegedUserfaultfdOff>
{
    [Fact]
    public void A_user_mode_only_uffd_never_stalls_a_GC_on_any_access_path() =>
        TortureRun.Run(output, Privilege.Nobody, 1, "missing", "wp-sync", "wp-async-missing", "minor");
}
